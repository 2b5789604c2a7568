// Live progress: the planned work of a plan, the TTY block and the plain line, colour only when asked.
import { test } from 'node:test';
import { fail, respond } from '../helpers/samples.ts';
import assert from 'node:assert/strict';
import { createCollector } from '../../src/metrics/collector.ts';
import { blockRows, createProgress, plannedWork, renderProgressBlock, renderProgressLine, type ProgressState } from '../../src/report/progress.ts';

const state: ProgressState = {
  elapsedMs: 12_300,
  planned: { kind: 'time', ms: 30_000 },
  iterationsDone: 0,
  vus: 100,
  reqPerSec: 9812,
  p50Ms: 4.12,
  p99Ms: 12.34,
  statusClasses: [0, 0, 120_345, 0, 0, 12],
  errors: 3,
  intervalMs: 500,
};

test('planned work: time for duration executors, iterations when every scenario counts them', () => {
  const load = (l: object) => ({ load: { startTimeMs: 0, gracefulStopMs: 0, ...l } }) as never;
  assert.deepEqual(plannedWork({ scenarios: [load({ executor: 'shared-iterations', vus: 2, iterations: 100, maxDurationMs: 600_000 })] }), { kind: 'iterations', count: 100 });
  assert.deepEqual(plannedWork({ scenarios: [load({ executor: 'per-vu-iterations', vus: 3, iterations: 10 }), load({ executor: 'shared-iterations', vus: 1, iterations: 5 })] }), { kind: 'iterations', count: 35 });
  assert.deepEqual(plannedWork({ scenarios: [load({ executor: 'constant-vus', vus: 3, durationMs: 30_000 }), load({ executor: 'ramping-vus', startTimeMs: 5000, stages: [{ durationMs: 10_000 }, { durationMs: 20_000 }] })] }), { kind: 'time', ms: 35_000 });
});

test('the TTY block: elapsed / planned, bar, VUs, req/s, interval p50/p99, statuses and errors', () => {
  const text = renderProgressBlock(state, false, 10);
  assert.equal(
    text,
    [
      'running  12.3s / 30.0s  [████░░░░░░] 41%',
      'vus 100  req/s 9,812  p50 4.12 ms  p99 12.3 ms  (last 500ms)',
      '2xx 120,345  5xx 12  errors 3',
    ].join('\n'),
  );
  assert.match(renderProgressBlock(state, true), /\x1b\[32m2xx 120,345\x1b\[39m.*\x1b\[31merrors 3\x1b\[39m/);
  assert.equal(
    renderProgressLine({ ...state, planned: { kind: 'iterations', count: 1000 }, iterationsDone: 250, p50Ms: null, p99Ms: null }),
    'progress: 12.3s  iterations 250 / 1,000 (25%)  vus 100  req/s 9,812  p50 -  p99 -  2xx 120,345  5xx 12  errors 3',
  );
});

test('createProgress redraws in place on a TTY and reads only the run\'s closed seconds and counters', async () => {
  const writes: string[] = [];
  const p = createProgress({ scenarios: [{ load: { executor: 'constant-vus', vus: 1, durationMs: 1000, startTimeMs: 0, gracefulStopMs: 0 } }] as never, requestNames: ['a'] }, { write: (t) => writes.push(t), tty: true, color: false, intervalMs: 20 });
  let now = 0;
  const run = createCollector(['a'], () => now);
  run.onSecond((v) => p.second(v));
  run.begin();
  for (let i = 0; i < 100; i++) respond(run, 0, 200, 1000 + i * 10, 0, 0, 0, true);
  fail(run, 0, 'refused', 0, 0);
  now = 1000;
  run.flush();
  let elapsed = 0;
  p.start({ elapsedMs: () => (elapsed += 100), activeVus: 1, iterations: { completed: 0, failed: 0, dropped: 0 } });
  await new Promise((r) => setTimeout(r, 30));
  now = 2000;
  run.flush(); // an empty second
  await new Promise((r) => setTimeout(r, 40));
  p.stop();
  assert.ok(writes.length >= 2);
  assert.doesNotMatch(writes[0], /\x1b\[\d+F/);
  assert.match(writes[0], /req\/s 101 {2}p50 1\.49 ms {2}p99 1\.98 ms {2}\(last 1\.0s\)/);
  assert.match(writes[0], /2xx 100 {2}errors 1/);
  assert.match(writes[writes.length - 1], /^\x1b\[3F\x1b\[J/);
  assert.match(writes[writes.length - 1], /req\/s 0 {2}p50 - {2}p99 -/);
  assert.match(writes[writes.length - 1], /2xx 100 {2}errors 1/, 'totals since the start stay');
});

/** A tiny terminal: lines of text, a cursor row; understands \n, CSI n F (up n, column 0) and CSI J (clear below). */
function renderTerminal(output: string): string[] {
  const screen: string[] = [''];
  let row = 0;
  for (const token of output.split(/(\x1b\[\d*[FJ]|\n)/)) {
    if (token === '') continue;
    if (token === '\n') {
      row++;
      if (screen.length <= row) screen.push('');
    } else if (token.endsWith('F')) {
      row = Math.max(0, row - Number(token.slice(2, -1) || '1'));
      screen[row] = '';
    } else if (token.endsWith('J')) {
      screen.length = row + 1;
      screen[row] = '';
    } else screen[row] += token;
  }
  return screen;
}

test('on a TTY, text printed during the run and after stop() is never drawn over by the block', async () => {
  let out = '';
  const p = createProgress({ scenarios: [{ load: { executor: 'constant-vus', vus: 1, durationMs: 1000, startTimeMs: 0, gracefulStopMs: 0 } }] as never, requestNames: ['a'] }, { write: (t) => (out += t), tty: true, color: false, intervalMs: 10 });
  let elapsed = 0;
  p.start({ elapsedMs: () => (elapsed += 100), activeVus: 1, iterations: { completed: 0, failed: 0, dropped: 0 } });
  await new Promise((r) => setTimeout(r, 40));
  p.print('\nSIGINT: stopping\n');
  await new Promise((r) => setTimeout(r, 40));
  p.stop();
  // What the run prints next (the summary, on the same terminal).
  out += 'summary line 1\nsummary line 2\nlast line\n';
  p.stop(); // a second stop (the CLI's finally) changes nothing
  const screen = renderTerminal(out);
  assert.equal(screen.filter((l) => l.startsWith('running')).length, 1, screen.join('\n'));
  assert.ok(screen.includes('SIGINT: stopping'), screen.join('\n'));
  assert.ok(screen.indexOf('SIGINT: stopping') < screen.findIndex((l) => l.startsWith('running')));
  assert.deepEqual(screen.slice(-4), ['summary line 1', 'summary line 2', 'last line', '']);
});

test('blockRows: wrapped lines count as the rows they take; colour codes take none; exactly full width is one row', () => {
  assert.equal(blockRows('a\nb\nc', undefined), 3);
  assert.equal(blockRows('x'.repeat(75) + '\nshort\n', 40), 4);
  assert.equal(blockRows('x'.repeat(40), 40), 1);
  assert.equal(blockRows(`\x1b[32m${'█'.repeat(40)}\x1b[39m`, 40), 1);
});
