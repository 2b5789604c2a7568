// Renders the end-of-run summary (plain text, optionally coloured) from a RunResult; no I/O.
import type { LatencySummary, RunResult } from '../result/types.ts';
import { formatBytes, formatDurationMs, formatLatencyMs, formatNumber, latencyStats } from './format.ts';
import { renderThresholds } from './render-thresholds.ts';
import { renderWs } from './render-ws.ts';
import { escapeTerminalText as safe } from '../terminal-text.ts';

const GREEN = '\x1b[32m';
const RED = '\x1b[31m';
const RESET = '\x1b[39m';

export interface SummaryOptions {
  /** ANSI colours (green 2xx, red errors); callers pass false when stdout is not a TTY or NO_COLOR is set. */
  color: boolean;
}

/** What to do about an error class that is runner's own limit, not the target's behaviour. */
const errorHints: Readonly<Record<string, string>> = {
  fd_limit: "runner ran out of file descriptors ('too many open files'): raise the limit (ulimit -n 65536) or lower http.connections",
  ports_exhausted:
    'no free local port to connect from (EADDRNOTAVAIL): ephemeral ports are used up, often by short-lived connections in TIME_WAIT; lower http.connections, keep connections alive, or widen net.ipv4.ip_local_port_range',
  unreachable: 'no route to the target (host or network unreachable): check the target address, the network, a VPN or a firewall',
};

/** Columns of the latency table: header and the summary field it shows. */
const latencyColumns: readonly (readonly [string, keyof LatencySummary])[] = [['count', 'count'], ...latencyStats];

/** Lines of a table: first column left-aligned, the others right-aligned, two spaces apart. */
function renderTable(rows: string[][], indent = ''): string[] {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  return rows.map((r) =>
    (indent + r.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  ')).trimEnd(),
  );
}

function latencyRow(name: string, l: LatencySummary): string[] {
  return [
    name,
    ...latencyColumns.map(([, key]) => {
      if (key === 'count') return formatNumber(l.count);
      return l.count === 0 ? '-' : formatLatencyMs(l[key] as number);
    }),
  ];
}

/** The end-of-run summary; ends without a trailing newline. */
export function renderSummary(result: RunResult, opts: SummaryOptions): string {
  const paint = (code: string, text: string): string => (opts.color ? `${code}${text}${RESET}` : text);
  const t = result.totals;
  const out: string[] = [];

  // Names, messages and the target come from the scenario, the network or a result file: escaped for the terminal.
  const target = result.target === undefined ? '' : `  target: ${safe(result.target)}`;
  const warmup = typeof result.warmupMs === 'number' ? `  (after a ${formatDurationMs(result.warmupMs)} warm-up, not recorded)` : '';
  out.push(`scenario: ${safe(result.scenario.name)}${target}  duration: ${formatDurationMs(result.durationMs)}${warmup}  outcome: ${safe(result.outcome)}`);
  out.push(`seed: ${result.scenario.seed} (replay with --seed ${result.scenario.seed})`);
  const merged = result.merged;
  if (merged) out.push(`merged: ${merged.files} result files, segments ${merged.segments.map(safe).join(', ')}${merged.partial ? paint(RED, `  PARTIAL: missing ${(merged.missing ?? []).map(safe).join(', ')}`) : ''}`);
  out.push('');

  // The status and error lines keep the original program's exact wording: people grep for them.
  const statuses = Object.keys(t.byStatus).sort((a, b) => Number(a) - Number(b));
  for (const status of statuses) {
    const line = `status: ${safe(status)} count: ${t.byStatus[status]}`;
    const code = Number(status);
    out.push(code >= 200 && code < 300 ? paint(GREEN, line) : line);
  }
  const errorKinds = Object.keys(t.errors).filter((k) => t.errors[k] > 0);
  if (errorKinds.length === 0) out.push('errors: none');
  for (const kind of errorKinds) {
    // The first message of the class says what happened (e.g. which header undici refused); one line of it.
    // Own keys only: a result file is input (a key like 'constructor' must not reach Object.prototype).
    const given = result.errorMessages && Object.hasOwn(result.errorMessages, kind) ? result.errorMessages[kind] : undefined;
    const message = typeof given === 'string' ? given.split('\n')[0] : undefined;
    out.push(paint(RED, `error: ${safe(kind)} count: ${t.errors[kind]}${message ? `  (first: ${safe(message)})` : ''}`));
    if (Object.hasOwn(errorHints, kind)) out.push(`  hint: ${errorHints[kind]}`);
  }
  if (t.unexpectedStatus > 0) out.push(paint(RED, `unexpected status: ${t.unexpectedStatus}`));
  out.push('');

  out.push(`requests: ${formatNumber(t.requests)}  ${formatNumber(t.rps, 1)}/s`);
  const it = result.iterations;
  const iterationParts = [`completed ${formatNumber(it.completed)}`];
  for (const key of ['started', 'failed', 'dropped', 'aborted'] as const) {
    if (it[key] > 0) iterationParts.push(`${key} ${formatNumber(it[key])}`);
  }
  out.push(`iterations: ${iterationParts.join('  ')}`);
  out.push(`data: sent ${formatBytes(t.bytesSent)}  received ${formatBytes(t.bytesReceived)}`);
  // Said only when HTTP/2 was negotiated somewhere: HTTP/1.1 everywhere is the default nobody needs told.
  const protocols = result.protocols ?? {};
  if (Object.keys(protocols).some((p) => p !== 'http/1.1')) {
    out.push(`protocols: ${Object.entries(protocols).map(([p, n]) => `${safe(p)} ${formatNumber(n)} connection(s)`).join('  ')}`);
  }
  out.push('');

  const header = ['latency (ms)', ...latencyColumns.map(([title]) => title)];
  const rows = Object.entries(result.requests).map(([name, r]) => latencyRow(safe(name), r.latency));
  out.push(...renderTable([header, ...rows, latencyRow('total', result.latency)]));
  out.push(...renderOwnJitter(result));
  out.push(...renderServiceTime(result));
  out.push(...renderScenarios(result));
  out.push(...renderWs(result, (line) => paint(RED, line)));

  const checks = Object.entries(result.checks);
  if (checks.length > 0) {
    out.push('');
    const table = renderTable([
      ['check', 'passes', 'fails'],
      ...checks.map(([name, c]) => [safe(name), formatNumber(c.passes), formatNumber(c.fails)]),
    ]);
    out.push(table[0], ...table.slice(1).map((line, i) => (checks[i][1].fails > 0 ? paint(RED, line) : line)));
  }

  const thresholdLines = renderThresholds(result, opts.color);
  if (thresholdLines.length > 0) out.push('', ...thresholdLines);
  const selfCheck = renderSelfCheck(result);
  if (selfCheck.length > 0) out.push('', ...selfCheck.map((line) => (line.startsWith('warning:') ? paint(RED, line) : line)));
  const thrown = result.iterationErrors ?? [];
  if (thrown.length > 0) {
    out.push('');
    out.push('iteration errors (exceptions in scenario code):');
    for (const e of thrown) out.push(paint(RED, `  ${formatNumber(e.count)} × ${safe(e.message)}${e.location ? `  at ${safe(e.location)}` : ''}`));
  }

  if (result.warnings.length > 0) out.push('');
  for (const w of result.warnings) out.push(`warning: ${safe(w)}`);
  return out.join('\n');
}

/** Whether any scenario started iterations on a schedule; for files without `scenarios`, whether the two histograms differ. */
function isOpenModelRun(result: RunResult): boolean {
  const scenarios = Object.values(result.scenarios ?? {});
  if (scenarios.length > 0) return scenarios.some((s) => s.model === 'open');
  return result.serviceTime !== undefined && result.latency.hdr !== result.serviceTime.hdr;
}

/** Open model: service time beside latency. Closed model: one line saying they are the same measure. */
function renderServiceTime(result: RunResult): string[] {
  if (result.serviceTime === undefined || result.latency.count === 0) return [];
  if (!isOpenModelRun(result)) {
    return ['latency = service time here (closed model: each request is timed from its send; no schedule to fall behind)'];
  }
  const header = ['service time (ms)', ...latencyColumns.map(([title]) => title)];
  const rows = Object.entries(result.requests).map(([name, r]) => latencyRow(safe(name), r.serviceTime));
  return [
    '',
    ...renderTable([header, ...rows, latencyRow('total', result.serviceTime)]),
    'latency counts from when each iteration was scheduled to start (open model); service time from when the request was handed to the pool',
  ];
}

/** One row per scenario when the file has several. */
function renderScenarios(result: RunResult): string[] {
  const entries = Object.entries(result.scenarios ?? {});
  if (entries.length < 2) return [];
  const rows = entries.map(([name, s]) => [
    safe(name),
    safe(s.executor),
    formatNumber(s.iterations.started),
    formatNumber(s.iterations.dropped),
    formatNumber(s.totals.requests),
    formatNumber(s.totals.rps, 1),
    s.latency.count === 0 ? '-' : formatLatencyMs(s.latency.p50),
    s.latency.count === 0 ? '-' : formatLatencyMs(s.latency.p99),
  ]);
  return ['', ...renderTable([['scenario', 'executor', 'iterations', 'dropped', 'requests', 'rps', 'p50 ms', 'p99 ms'], ...rows])];
}

/**
 * Right under the latency table: how long runner's own event loop and garbage collector held callbacks back, so
 * a reader can see how much of a tail could be runner's (a response that lands during a stall is timed late).
 */
function renderOwnJitter(result: RunResult): string[] {
  const sc = result.selfCheck;
  if (sc === undefined) return [];
  const gc = sc.gcPauses === undefined ? '' : `  GC pauses ${formatLatencyMs(sc.gcPauseTotalMs ?? 0)} ms in ${formatNumber(sc.gcPauses)} (longest ${formatLatencyMs(sc.gcPauseMaxMs ?? 0)} ms)`;
  return [`runner's own delay: event loop p99 ${formatLatencyMs(sc.eventLoopDelayP99Ms)} ms (max ${formatLatencyMs(sc.eventLoopDelayMaxMs)} ms)${gc}`];
}

/** runner's own load, a warning when it was the bottleneck, and one about dropped iterations. */
function renderSelfCheck(result: RunResult): string[] {
  const out: string[] = [];
  const sc = result.selfCheck;
  if (sc !== undefined) {
    const late = sc.lateStartsP99Ms === null ? '' : `  start lateness p99 ${formatLatencyMs(sc.lateStartsP99Ms)} ms`;
    out.push(`runner: CPU ${formatNumber(sc.cpuPercent, 1)}%  event loop busy ${Math.round((sc.eventLoopUtilization ?? 0) * 100)}%  delay p99 ${formatLatencyMs(sc.eventLoopDelayP99Ms)} ms${late}`);
    if (sc.saturated) {
      out.push(`warning: runner was saturated (${safe(sc.reasons.join(', '))}): the latencies describe runner more than the server; lower the load, or run runner on more or quieter cores`);
    }
  }
  const dropped = result.iterations.dropped;
  if (dropped > 0) {
    out.push(`warning: ${formatNumber(dropped)} iterations dropped: no VU was free at their scheduled time (maxVUs reached); the server or runner could not keep up with the rate`);
  }
  return out;
}
