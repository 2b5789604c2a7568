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
  for (const [args, out, rest] of cases) assert.deepEqual(splitDemoArgs(args, '/home/u'), { out, rest }, args.join(' '));
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
