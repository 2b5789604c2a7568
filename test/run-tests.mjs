// Runs every test/**/*.test.ts with node:test under tsx. Node 20's --test neither expands globs
// nor finds .ts files, so the list is built here, and an empty list is a failure, not a pass.
// Two phases: the files that assert on wall-clock timing run first, one at a time, on an otherwise idle
// machine; the rest run two files at a time (RUNNER_TEST_CONCURRENCY overrides), which halves the suite's time.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.slice(2);
const concurrency = Number(process.env.RUNNER_TEST_CONCURRENCY ?? 2) || 1;

/** Files whose assertions hold only when nothing else competes for the CPU (rates, stalls, event-loop delay). */
const TIMING_SENSITIVE = [
  'test/scheduler/real-time.test.ts',
  'test/e2e/load-rate.test.ts',
  'test/e2e/self-check.test.ts',
  'test/e2e/blocked-loop.test.ts',
  'test/faults/error-classes.test.ts',
];

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...find(path));
    else if (name.endsWith('.test.ts')) out.push(relative(root, path).split('\\').join('/'));
  }
  return out;
}

let files = find(join(root, 'test')).sort();
if (only.length > 0) files = files.filter((f) => only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('run-tests: no test files found under test/');
  process.exit(1);
}

function runFiles(list, jobs) {
  if (list.length === 0) return 0;
  const args = ['--import', 'tsx', '--test', `--test-concurrency=${jobs}`, '--test-reporter=spec', ...list];
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  return result.status ?? 1;
}

const timing = files.filter((f) => TIMING_SENSITIVE.includes(f));
const rest = files.filter((f) => !TIMING_SENSITIVE.includes(f));
const first = runFiles(timing, 1);
const second = runFiles(rest, concurrency);
process.exit(first !== 0 ? first : second);
