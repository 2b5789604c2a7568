// Loads a 1,000,000-row (~100 MB) data file the way a run does and reports the load time and peak RSS against
// the file's size (issue 13: peak RSS ≤ 2× the file). Run: node --import tsx bench/data-file-memory.ts [csv|jsonl]
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROWS = 1_000_000;
const kind = process.argv[2] === 'jsonl' ? 'jsonl' : 'csv';

if (process.argv[3] === '--child') {
  // The measured process: only the loader and the table.
  const { loadDataTable } = await import('../src/data/load-table.ts');
  const file = process.argv[4];
  const baseRss = process.memoryUsage().rss;
  // Where the peak is: the JS heap (parser garbage) or the table's own buffers.
  let peakHeap = 0;
  let peakBuffers = 0;
  const probe = setInterval(() => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapTotal);
    peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
  }, 50);
  const t0 = performance.now();
  const table = await loadDataTable({ name: 'users', file, format: kind, order: 'circular' });
  clearInterval(probe);
  const ms = performance.now() - t0;
  globalThis.gc?.();
  const sample = table.value(ROWS - 1, 1);
  console.log(JSON.stringify({ rows: table.rows, ms: Math.round(ms), heldBytes: table.heldBytes, baseRssBytes: baseRss, peakHeap, peakBuffers, rssBytes: process.memoryUsage().rss, maxRssBytes: process.resourceUsage().maxRSS * 1024, sample }));
} else {
  const dir = mkdtempSync(join(tmpdir(), 'runner-bench-data-'));
  const file = join(dir, `users.${kind}`);
  try {
    const out = createWriteStream(file);
    if (kind === 'csv') out.write('id,email,password,name,city,street\n');
    for (let i = 0; i < ROWS; i++) {
      const row = [String(i), `user${i}@example.com`, `pw-${(i * 7919) % 1000003}-secret`, `Name Number ${i}`, i % 2 ? 'Seoul' : 'Busan, KR', `${i % 997} Teheran-ro`];
      const line = kind === 'csv' ? `${row[0]},${row[1]},${row[2]},${row[3]},"${row[4]}",${row[5]}` : JSON.stringify({ id: row[0], email: row[1], password: row[2], name: row[3], city: row[4], street: row[5] });
      if (!out.write(line + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r) => out.end(() => r()));
    const fileBytes = statSync(file).size;
    // The child runs bundled by esbuild, as runner ships, not under tsx (whose own loader costs ~40 MB of RSS).
    // Written beside this file so its bare imports (csv-parse) resolve from the package.
    const bundle = join(dirname(fileURLToPath(import.meta.url)), `.data-file-memory-${process.pid}.mjs`);
    await build({ entryPoints: [fileURLToPath(import.meta.url)], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: bundle, logLevel: 'error' });
    let child: string;
    try {
      child = execFileSync(process.execPath, ['--expose-gc', bundle, kind, '--child', file], { encoding: 'utf8', env: { ...process.env } });
    } finally {
      rmSync(bundle, { force: true });
    }
    const m = JSON.parse(child) as { peakHeap: number; peakBuffers: number; rows: number; ms: number; heldBytes: number; baseRssBytes: number; rssBytes: number; maxRssBytes: number; sample: string };
    const mb = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
    console.log(`${kind}: ${m.rows.toLocaleString('en-US')} rows, file ${mb(fileBytes)}, loaded in ${m.ms} ms`);
    console.log(`table holds ${mb(m.heldBytes)}; RSS before ${mb(m.baseRssBytes)}, after load ${mb(m.rssBytes)}; peak RSS ${mb(m.maxRssBytes)} = ${(m.maxRssBytes / fileBytes).toFixed(2)}× the file (${((m.maxRssBytes - m.baseRssBytes) / fileBytes).toFixed(2)}× above the process's own)`);
    console.log(`peak JS heap ${mb(m.peakHeap)}, peak array buffers ${mb(m.peakBuffers)} (sampled every 50 ms)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
