// `npm run demo -- --out r.json` writes the result where the user asked (relative to where npm was typed) and the
// other runner flags pass through; the argument split is a pure function, table-tested.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { splitDemoArgs } from '../../src/example/demo-args.ts';
import { repoRoot, spawnCollect, tempDir } from '../e2e/cli.ts';

let dir: string;
let cleanup: () => Promise<void>;
before(async () => ({ dir, cleanup } = await tempDir('runner-demo-test-')));
after(() => cleanup());

test('splitDemoArgs takes the result-file --out out, in every spelling, and passes everything else on', () => {
  const cases: [string[], string | undefined, string[]][] = [
    [[], undefined, []],
    [['--out', 'r.json'], '/home/u/r.json', []],
    [['--out=r.json'], '/home/u/r.json', []],
    [['--out', 'json=sub/r.json', '--vus', '5'], '/home/u/sub/r.json', ['--vus', '5']],
    [['--out', '/abs/r.json'], '/abs/r.json', []],
    [['--out', 'ndjson=s.ndjson', '--quiet'], undefined, ['--out', 'ndjson=s.ndjson', '--quiet']],
    [['--iterations', '50', '--out', 'ndjson=s.ndjson', '--out', 'r.json'], '/home/u/r.json', ['--iterations', '50', '--out', 'ndjson=s.ndjson']],
  ];
  for (const [args, out, rest] of cases) assert.deepEqual(splitDemoArgs(args, '/home/u'), { out, rest, demo: 'signup' }, args.join(' '));
  assert.deepEqual(splitDemoArgs(['chat', '--vus', '20'], '/home/u'), { out: undefined, rest: ['--vus', '20'], demo: 'chat' });
  assert.deepEqual(splitDemoArgs(['--vus', '20', 'chat'], '/home/u'), { out: undefined, rest: ['--vus', '20', 'chat'], demo: 'signup' });
});

test('npm run demo -- chat --vus 20: two rooms of 10 chat, and runner\'s delivery count is the server\'s', async () => {
  const { code, stdout, stderr } = await spawnCollect('npm', ['--prefix', repoRoot, 'run', 'demo', '--', 'chat', '--vus', '20', '--quiet', '--out', 'chat.json'], { cwd: dir });
  assert.equal(code, 0, stdout + stderr);
  // 20 users × 20 messages × 9 other members of the room.
  assert.match(stdout, /server relayed 3600 messages; runner counted 3600 delivered, 0 lost \(delivery p50 [\d.]+ ms, p99 [\d.]+ ms\) — match/);
  const result = JSON.parse(readFileSync(join(dir, 'chat.json'), 'utf8'));
  assert.equal(result.ws.delivery.latency.count, 3600);
});

test('npm run demo -- --out r.json --iterations 40 --vus 4 --quiet: the result lands in the folder npm ran from', async () => {
  const stale = join(dir, 'r.json');
  writeFileSync(stale, 'left from an earlier run');
  const { code, stdout, stderr } = await spawnCollect('npm', ['--prefix', repoRoot, 'run', 'demo', '--', '--out', 'r.json', '--iterations', '40', '--vus', '4', '--quiet'], { cwd: dir });
  assert.equal(code, 0, stdout + stderr);
  assert.match(stdout, /server stored 40 users; runner counted 40 × 200 — match/);
  assert.ok(existsSync(stale));
  const result = JSON.parse(readFileSync(stale, 'utf8'));
  assert.equal(result.totals.requests, 40);
  assert.match(stdout, new RegExp(`result file ${stale.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
});
