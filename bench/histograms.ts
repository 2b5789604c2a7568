// hdr-histogram-js variants for runner's use (values in µs, 1 µs .. 1 h, 3 significant digits): memory per
// histogram, the cost of recordValue (the one record per request), of add() (a closed second folded into the
// totals) and of a p99 query (live progress), per bitBucketSize (8, 16, 32, 64, 'packed'), for the WASM build,
// and for a 32-bit histogram that starts at 4 ms and grows (what runner uses per request name and second).
// Each variant is measured in a fresh process, so one variant's heap and JIT state do not colour the next.
// Times are CPU time of the process (the machine may be shared). Usage: node --import tsx bench/histograms.ts [--rounds 3]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import hdr from 'hdr-histogram-js';
import type { BitBucketSize, Histogram } from 'hdr-histogram-js';

interface VariantResult {
  variant: string;
  /** Bytes per histogram: arrayBuffers + heap growth over 200 live histograms with 10,000 values each. */
  bytesEach: number;
  /** RSS growth of the process from loading the variant's code to holding the 200 histograms, MiB. */
  rssMiB: number;
  recordNs: number;
  addUs: number;
  p99Us: number;
}

const VARIANTS = ['8', '16', '32', '64', 'packed', 'wasm', 'growing'] as const;
const HIGHEST_US = 3_600_000_000;
const LIVE = 200;

/** A latency-like value in µs: log-normal around ~2 ms, with a tail to ~1 s. */
function valueUs(i: number): number {
  const u = ((i * 2654435761) % 1_000_003) / 1_000_003;
  return Math.max(1, Math.round(Math.exp(7.6 + 1.2 * Math.sqrt(-2 * Math.log(u + 1e-9)) * Math.cos(i))));
}

function make(variant: string): Histogram {
  if (variant === 'growing') {
    const h = hdr.build({ bitBucketSize: 32, lowestDiscernibleValue: 1, highestTrackableValue: 4096, numberOfSignificantValueDigits: 3 });
    h.autoResize = true;
    return h;
  }
  const wasm = variant === 'wasm';
  const bitBucketSize = (wasm ? 32 : variant === 'packed' ? 'packed' : Number(variant)) as BitBucketSize;
  return hdr.build({ bitBucketSize, lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3, useWebAssembly: wasm, autoResize: true });
}

/** Runs in the child process: measures one variant. */
function measure(variant: string): VariantResult {
  if (variant === 'wasm') hdr.initWebAssemblySync();
  make(variant).recordValue(1); // load and warm the code before the baseline
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  const m0 = process.memoryUsage();
  const live: Histogram[] = [];
  for (let k = 0; k < LIVE; k++) {
    const h = make(variant);
    for (let i = 0; i < 10_000; i++) h.recordValue(valueUs(k * 10_000 + i));
    live.push(h);
  }
  globalThis.gc?.();
  const m1 = process.memoryUsage();
  const bytesEach = (m1.heapUsed - m0.heapUsed + (m1.arrayBuffers - m0.arrayBuffers) + (variant === 'wasm' ? m1.external - m0.external : 0)) / LIVE;
  const rssMiB = (process.memoryUsage().rss - rss0) / 1048576;

  const values = Float64Array.from({ length: 1 << 16 }, (_, i) => valueUs(i));
  const h = make(variant);
  const n = variant === 'packed' ? 500_000 : 3_000_000;
  // CPU time, not wall time: the machine this runs on is shared.
  const cpuUs = () => {
    const c = process.cpuUsage();
    return c.user + c.system;
  };
  let t = cpuUs();
  for (let i = 0; i < n; i++) h.recordValue(values[i & 0xffff]);
  const recordNs = ((cpuUs() - t) * 1000) / n;

  const total = make(variant);
  t = cpuUs();
  for (const one of live.slice(0, 50)) total.add(one);
  const addUs = (cpuUs() - t) / 50;

  t = cpuUs();
  let sink = 0;
  for (let i = 0; i < 20; i++) sink += h.getValueAtPercentile(99);
  const p99Us = (cpuUs() - t) / 20 + (sink < 0 ? 1 : 0);
  if (variant === 'wasm') for (const x of [...live, h, total]) x.destroy();
  return { variant, bytesEach, rssMiB, recordNs, addUs, p99Us };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(measure(process.argv[3])));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
  const self = fileURLToPath(import.meta.url);
  const runs = new Map<string, VariantResult[]>();
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const v of VARIANTS) {
      const out = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--child', v], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(`${v}: ${out.stderr}`);
      runs.set(v, [...(runs.get(v) ?? []), JSON.parse(out.stdout) as VariantResult]);
    }
  }
  process.stdout.write(`hdr-histogram-js 1 µs..1 h, 3 digits (medians of ${values.rounds} rounds, a fresh process per variant):\n`);
  process.stdout.write(`  ${'variant'.padEnd(9)} ${'KiB each'.padStart(9)} ${'RSS/200 MiB'.padStart(12)} ${'record ns'.padStart(10)} ${'add µs'.padStart(8)} ${'p99 µs'.padStart(8)}\n`);
  for (const v of VARIANTS) {
    const rs = runs.get(v)!;
    const f = (k: keyof VariantResult, d: number) => median(rs.map((x) => x[k] as number)).toFixed(d);
    process.stdout.write(`  ${v.padEnd(9)} ${f('bytesEach', 0) === '0' ? '0'.padStart(9) : (Number(f('bytesEach', 0)) / 1024).toFixed(1).padStart(9)} ${f('rssMiB', 1).padStart(12)} ${f('recordNs', 1).padStart(10)} ${f('addUs', 1).padStart(8)} ${f('p99Us', 1).padStart(8)}\n`);
  }
}
