// Text for `runner inspect`: the plan, then each recorded request as HTTP/1.1 writes it on the socket (undici 7:
// request line, host, connection, runner's headers, content-length, blank line, body). Data in, string out.
import { formatDurationMs, formatNumber } from '../report/format.ts';
import { escapeTerminalText as safe } from '../terminal-text.ts';
import type { InspectReport, InspectedRequest, PlanLine } from './inspect.ts';

/** Methods undici sends `content-length: 0` for when they have no body (it expects a payload from them). */
const expectsPayload = new Set(['POST', 'PUT', 'PATCH', 'QUERY', 'PROPFIND', 'PROPPATCH']);

/**
 * The request head exactly as undici 7's HTTP/1.1 client writes it (client-h1.js writeH1), CRLF line ends.
 * `http2`: HTTP/2 sends the same fields in binary frames; the head is shown in the same form, without `connection`.
 */
export function renderRequestHead(r: InspectedRequest, http2 = false): string {
  const host = new URL(r.origin).host;
  let head = `${r.method} ${r.path} ${http2 ? 'HTTP/2' : 'HTTP/1.1'}\r\nhost: ${host}\r\n`;
  if (!http2) head += 'connection: keep-alive\r\n';
  for (let i = 0; i < r.headers.length; i += 2) head += `${r.headers[i]}: ${r.headers[i + 1]}\r\n`;
  const length = r.body?.length ?? 0;
  if (length > 0 || expectsPayload.has(r.method)) head += `content-length: ${length}\r\n`;
  return head + '\r\n';
}

export function renderInspect(report: InspectReport, opts: { file: string; sample: number; http2: boolean }): string {
  const out: string[] = [];
  out.push(`scenario '${safe(report.name)}' (${safe(opts.file)}), seed ${report.seed}: nothing was sent`);
  out.push('plan:');
  for (const p of report.plan) out.push(`  ${renderPlanLine(p)}`);
  out.push('');
  out.push(`the first ${opts.sample} iteration(s) of each scenario, each request as it would be written on the socket:`);
  out.push('(values in <angle brackets> stand for captures: inspect gets no responses)');
  let last = '';
  for (const r of report.requests) {
    const where = r.iteration < 0 ? r.scenario : `${r.scenario} · iteration ${r.iteration + 1}`;
    if (where !== last) out.push('', `=== ${safe(where)}`);
    last = where;
    out.push('');
    // Each line escaped for the terminal; the CRLF line ends become plain ones.
    const head = renderRequestHead(r, opts.http2).split('\r\n').slice(0, -2);
    out.push(...head.map(safe), '');
    if (r.body && r.body.length > 0) out.push(...r.body.toString('utf8').split('\n').map(safe));
  }
  if (report.requests.length === 0) out.push('', '(no request was made)');
  for (const [scenario, n] of Object.entries(report.wsLeftOut)) {
    out.push('', `${safe(scenario)}: ${n} WebSocket session(s) per iteration not shown (inspect opens no connection; the HTTP requests around them are)`);
  }
  for (const e of report.iterationErrors) out.push('', `iteration error (${e.count}×): ${safe(e.message)}`);
  return out.join('\n') + '\n';
}

function renderPlanLine(p: PlanLine): string {
  const parts = [`${p.executor}`, `up to ${formatNumber(p.maxVus)} VU(s)`];
  if (p.ratePerSec !== undefined) parts.push(`${formatNumber(p.ratePerSec, p.ratePerSec % 1 === 0 ? 0 : 2)} iterations/s${p.executor === 'ramping-arrival-rate' ? ' at the peak' : ''}`);
  if (p.iterations !== undefined) parts.push(`${formatNumber(p.iterations)} iteration(s)`);
  parts.push(`${p.iterations !== undefined && p.ratePerSec === undefined ? 'at most ' : ''}${formatDurationMs(p.durationMs)}`);
  if (p.startTimeMs > 0) parts.push(`starting at ${formatDurationMs(p.startTimeMs)}`);
  if (p.requestsPerIteration !== undefined) parts.push(`${p.requestsPerIteration} request(s) per iteration`);
  parts.push(p.plannedRequests !== undefined ? `${formatNumber(p.plannedRequests)} request(s) planned` : 'requests planned: as many as the iterations make');
  return `${safe(p.scenario)}: ${parts.join(', ')}`;
}

/** The report as JSON: bodies as UTF-8 text, plus each request's head exactly as written. */
export function inspectJson(report: InspectReport, http2: boolean): unknown {
  return {
    name: report.name,
    seed: report.seed,
    plan: report.plan,
    requests: report.requests.map((r) => ({
      scenario: r.scenario,
      iteration: r.iteration < 0 ? null : r.iteration + 1,
      method: r.method,
      url: r.origin + r.path,
      headers: pairs(r.headers),
      body: r.body?.toString('utf8') ?? null,
      head: renderRequestHead(r, http2),
    })),
    wsLeftOut: report.wsLeftOut,
    iterationErrors: report.iterationErrors,
  };
}

function pairs(flat: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}
