// What runner does in one event-loop task off the hot path, in CPU ms: closing a second (2,700 responses of 8–20 ms
// with a tail, the `--quiet` listeners: totals + time series; then + live progress), and the summary the live
// abortOnFail watch takes each second (after 15 s of such seconds). Each response that arrives during such a task
// waits for it: at 3k req/s, a 4 ms task delays ~12 responses by up to 4 ms, every second (the p99 excess).
// Usage: node --import tsx bench/second-close.ts [--seconds 15]
import { parseArgs } from 'node:util';
import { createCollector } from '../src/metrics/collector.ts';
import { createHttpSample } from '../src/metrics/sample.ts';
import { createTimeSeries } from '../src/metrics/time-series.ts';
import { createProgress } from '../src/report/progress.ts';

export interface SecondCloseResult {
  /** CPU ms of closing one second, median over seconds 2..n (the first pays JIT). */
  closeQuietMs: number;
  closeWithProgressMs: number;
  /** CPU ms of one live-threshold summary (total + one name) after the run. */
  liveSummaryMs: number;
}

function cpuMs(f: () => void): number {
  const t0 = process.cpuUsage();
  f();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function closeSeconds(seconds: number, progress: boolean): number[] {
  let nowMs = 0;
  const collector = createCollector(['signup'], () => nowMs);
  const series = createTimeSeries((id) => (id === 0 ? 'signup' : undefined));
  collector.onSecond((v) => series.add(v));
  if (progress) {
    const p = createProgress({ scenarios: [], requestNames: ['signup'] }, { tty: false, color: false, write: () => {}, intervalMs: 1 << 30 });
    collector.onSecond((v) => p.second(v));
  }
  collector.begin();
  const s = createHttpSample();
  s.expected = true;
  s.status = 200;
  s.bytesSent = 120;
  s.bytesReceived = 140;
  let x = 1;
  const costs: number[] = [];
  for (let t = 0; t < seconds; t++) {
    for (let i = 0; i < 2_700; i++) {
      x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
      const u = x / 2 ** 31;
      s.latencyUs = s.serviceUs = u < 0.98 ? 8_000 + u * 12_000 : 20_000 + (u - 0.98) * 1_500_000;
      nowMs = t * 1000 + (i * 1000) / 2_700;
      s.atMs = nowMs;
      collector.record(s);
    }
    nowMs = (t + 1) * 1000 + 1;
    costs.push(cpuMs(() => collector.flush()));
  }
  if (!progress) {
    lastCollector = collector;
  }
  return costs.slice(1);
}

let lastCollector: ReturnType<typeof createCollector> | undefined;

export function benchSecondClose(seconds = 15): SecondCloseResult {
  closeSeconds(seconds, true); // JIT warm-up: a run's first seconds pay it too, but that is not what is compared here
  const quiet = closeSeconds(seconds, false);
  const summaries: number[] = [];
  for (let i = 0; i < 5; i++) summaries.push(cpuMs(() => lastCollector!.summarizeNames(['signup'], seconds * 1000)));
  const withProgress = closeSeconds(seconds, true);
  return { closeQuietMs: median(quiet), closeWithProgressMs: median(withProgress), liveSummaryMs: median(summaries) };
}

export function renderSecondClose(r: SecondCloseResult): string {
  return [
    'one event-loop task off the hot path (bench/second-close.ts, CPU ms, 2,700 responses a second):',
    `  closing a second, --quiet ${r.closeQuietMs.toFixed(2)} ms; with live progress ${r.closeWithProgressMs.toFixed(2)} ms; live abortOnFail summary ${r.liveSummaryMs.toFixed(2)} ms`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '15' } } });
  process.stdout.write(renderSecondClose(benchSecondClose(Number(values.seconds))) + '\n');
}
