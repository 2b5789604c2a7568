// Loads a 1,000,000-row (~100 MB) data file the way a run does and reports the load time and peak RSS against
// the file's size (issue 13: peak RSS ≤ 2× the file). Run: node --import tsx bench/data-file-memory.ts [csv|jsonl]
// With `--workers`: the peak RSS of whole `runner run` processes (the built CLI, dist/) over that file, on one
// thread and with --workers 1 and 2, rounds interleaved (a few hundred requests to a local server each).
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
    if (process.argv.includes('--workers')) {
      await runsOverFile(dir, file, fileBytes);
      process.exit(0);
    }
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

/** Peak RSS (/usr/bin/time's %M) of `runner run` over `file` on one thread, --workers 1 and --workers 2, 3 rounds interleaved. */
async function runsOverFile(dir: string, file: string, fileBytes: number): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.once('end', () => res.end('{"ok":true}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const scenario = join(dir, 'data.yaml');
  writeFileSync(scenario, `name: data\ntarget: ${url}\ndata:\n  users: { file: ${file}, order: random }\nrequests:\n  - { name: post, method: POST, path: /, body: '{{users.email}}' }\nload: { executor: shared-iterations, vus: 4, iterations: 400 }\n`);
  const bin = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
  const peakKb = (args: string[]) =>
    new Promise<number>((resolve, reject) => {
      const child = spawn('/usr/bin/time', ['-f', '%M', process.execPath, bin, 'run', scenario, '-q', '--seed', '1', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.once('exit', (code) => (code === 0 ? resolve(Number(err.trim().split('\n').at(-1))) : reject(new Error(`exit ${code}: ${err}`))));
    });
  const modes: [string, string[]][] = [['one thread', []], ['--workers 1', ['--workers', '1']], ['--workers 2', ['--workers', '2']]];
  const peaks = new Map<string, number[]>(modes.map(([m]) => [m, []]));
  for (let round = 0; round < 3; round++) for (const [mode, args] of modes) peaks.get(mode)!.push(await peakKb(args));
  server.close();
  const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;
  console.log(`runner run over a ${(fileBytes / 1048576).toFixed(0)} MiB CSV (1,000,000 rows), peak RSS of the process, median of 3 (all):`);
  for (const [mode] of modes) {
    const list = peaks.get(mode)!;
    const median = [...list].sort((a, b) => a - b)[1];
    console.log(`  ${mode.padEnd(12)} ${mb(median)}  (${list.map(mb).join(', ')})`);
  }
}
