// Inputs with no sane bound are refused at load time, at their file:line:col (YAML and TS defineScenario) or
// naming the flag (CLI), before any request: VU counts, rates, durations past Node's timer limit, counts,
// and files that are not regular files or are huge. The bounds live in src/scenario/limits.ts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isUserError, type Diagnostic } from '../../src/errors.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { LIMITS } from '../../src/scenario/limits.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { tempDir } from '../e2e/cli.ts';
import { runInProcess } from '../e2e/in-process.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let server: TestServer;
before(async () => {
  tmp = await tempDir('runner-limits-');
  server = await startTestServer();
});
after(async () => {
  await server.close();
  await tmp.cleanup();
});

let n = 0;
function write(text: string, ext = 'yaml'): string {
  const file = join(tmp.dir, `s${n++}.${ext}`);
  writeFileSync(file, text);
  return file;
}

/** The diagnostics loading `file` throws; fails the test when it loads. */
async function diagnosticsOf(file: string): Promise<Diagnostic[]> {
  try {
    await loadScenario(file, tmp.dir);
  } catch (err) {
    if (isUserError(err)) return err.diagnostics;
    throw err;
  }
  assert.fail(`${file} loaded`);
}

const request = (extra = '') => `requests:\n  - name: hit\n    path: /\n${extra}`;

// Each case: the YAML after `target:`, and the line:col of the value that is over its bound.
/** `at`: the line of the bad value, and its text there (the first occurrence on that line: the column). */
const yamlCases: { name: string; body: string; at: [number, string] }[] = [
  { name: 'vus: 1e9 (constant-vus)', body: `${request()}load: { executor: constant-vus, vus: 1e9, duration: 1s }\n`, at: [5, '1e9'] },
  { name: 'vus over the bound (shared-iterations)', body: `${request()}load: { executor: shared-iterations, vus: 100001, iterations: 200000 }\n`, at: [5, '100001'] },
  { name: 'iterations 1e12 (per-vu-iterations)', body: `${request()}load: { executor: per-vu-iterations, vus: 1, iterations: 1000000000000 }\n`, at: [5, '1000000000000'] },
  { name: 'preAllocatedVUs', body: `${request()}load: { executor: constant-arrival-rate, rate: 1, duration: 1s, preAllocatedVUs: 1000000 }\n`, at: [5, '1000000'] },
  { name: 'maxVUs', body: `${request()}load: { executor: constant-arrival-rate, rate: 1, duration: 1s, maxVUs: 1e9 }\n`, at: [5, '1e9'] },
  { name: 'startVUs', body: `${request()}load: { executor: ramping-vus, startVUs: 1e9, stages: [{ duration: 1s, target: 1 }] }\n`, at: [5, '1e9'] },
  { name: 'ramping-vus stage target', body: `${request()}load: { executor: ramping-vus, stages: [{ duration: 1s, target: 1e9 }] }\n`, at: [5, '1e9'] },
  { name: 'rate: 1e15', body: `${request()}load: { executor: constant-arrival-rate, rate: 1e15, duration: 1s }\n`, at: [5, '1e15'] },
  { name: 'rate 2 per 1us (2,000,000/s)', body: `${request()}load: { executor: constant-arrival-rate, rate: 2, timeUnit: 1us, duration: 1s }\n`, at: [5, '2,'] },
  { name: 'startRate', body: `${request()}load: { executor: ramping-arrival-rate, startRate: 1e7, stages: [{ duration: 1s, target: 1 }] }\n`, at: [5, '1e7'] },
  { name: 'ramping-arrival-rate stage target', body: `${request()}load: { executor: ramping-arrival-rate, stages: [{ duration: 1s, target: 1e7 }] }\n`, at: [5, '1e7'] },
  { name: 'duration: 200h', body: `${request()}load: { executor: constant-vus, duration: 200h }\n`, at: [5, '200h'] },
  { name: 'maxDuration', body: `${request()}load: { executor: shared-iterations, maxDuration: 600h }\n`, at: [5, '600h'] },
  { name: 'startTime', body: `${request()}load: { executor: shared-iterations, startTime: 600h }\n`, at: [5, '600h'] },
  { name: 'gracefulStop', body: `${request()}load: { executor: shared-iterations, gracefulStop: 600h }\n`, at: [5, '600h'] },
  { name: 'gracefulRampDown', body: `${request()}load: { executor: ramping-vus, gracefulRampDown: 600h, stages: [{ duration: 1s, target: 1 }] }\n`, at: [5, '600h'] },
  { name: 'timeUnit', body: `${request()}load: { executor: constant-arrival-rate, rate: 1, timeUnit: 600h, duration: 1s }\n`, at: [5, '600h'] },
  { name: 'stage duration', body: `${request()}load: { executor: ramping-vus, stages: [{ duration: 600h, target: 1 }] }\n`, at: [5, '600h'] },
  { name: 'think: 600h (fired after 1 ms)', body: `${request('    think: 600h\n')}load: { executor: shared-iterations }\n`, at: [5, '600h'] },
  { name: 'think range end', body: `${request('    think: [1s, 600h]\n')}load: { executor: shared-iterations }\n`, at: [5, '600h'] },
  { name: 'request timeout', body: `${request('    timeout: 2h\n')}load: { executor: shared-iterations }\n`, at: [5, '2h'] },
  { name: 'http.timeout', body: `http: { timeout: 600h }\n${request()}load: { executor: shared-iterations }\n`, at: [2, '600h'] },
  { name: 'http.connections', body: `http: { connections: 1000000 }\n${request()}load: { executor: shared-iterations }\n`, at: [2, '1000000'] },
  { name: 'http.pipelining', body: `http: { pipelining: 1000 }\n${request()}load: { executor: shared-iterations }\n`, at: [2, '1000'] },
  { name: 'http.maxRedirects', body: `http: { maxRedirects: 1000 }\n${request()}load: { executor: shared-iterations }\n`, at: [2, '1000'] },
  { name: 'http.maxCaptureSize', body: `http: { maxCaptureSize: 1000000000 }\n${request()}load: { executor: shared-iterations }\n`, at: [2, '1000000000'] },
  { name: 'delayAbortEval', body: `${request()}load: { executor: shared-iterations }\nthresholds: { http_req_failed: { threshold: 'rate<0.1', abortOnFail: true, delayAbortEval: 600h } }\n`, at: [6, '600h'] },
];

describe('scenario values over their bound are refused at file:line:col', () => {
  for (const c of yamlCases) {
    test(c.name, async () => {
      const text = `target: ${server.url}\n${c.body}`;
      const d = await diagnosticsOf(write(text));
      assert.equal(d.length, 1, d.map((x) => x.message).join('\n'));
      assert.match(d[0].message, /over the limit/);
      const [line, token] = c.at;
      const column = text.split('\n')[line - 1].indexOf(token) + 1;
      assert.ok(column > 0, `'${token}' is on line ${line}`);
      assert.equal(`${d[0].location?.line}:${d[0].location?.column}`, `${line}:${column}`, d[0].message);
    });
  }

  test('the bounds themselves are accepted', async () => {
    const file = write(
      `target: ${server.url}\nhttp: { timeout: 1h, connections: ${LIMITS.connections} }\n${request('    think: [0s, 168h]\n')}` +
        `load: { executor: constant-arrival-rate, rate: 1000000, duration: 168h, preAllocatedVUs: 100000, maxVUs: 100000, gracefulStop: 168h, startTime: 168h }\n`,
    );
    const model = await loadScenario(file, tmp.dir);
    assert.equal(model.scenarios[0].load.executor, 'constant-arrival-rate');
  });

  test('a TS defineScenario value: vus 1e9 and think 600h, at their own line:col', async () => {
    const file = write(
      `import { defineScenario } from 'runner';\nexport default defineScenario({\n  target: '${server.url}',\n  requests: [{ path: '/', think: '600h' }],\n  load: { executor: 'constant-vus', vus: 1e9, duration: '1s' },\n});\n`,
      'ts',
    );
    const d = await diagnosticsOf(file);
    assert.deepEqual(
      d.map((x) => `${x.location?.line}:${x.location?.column} ${/over the limit/.test(x.message)}`).sort(),
      ['4:34 true', '5:42 true'],
    );
  });
});

describe('files that are not regular files, or are huge, are refused without reading them', () => {
  test('a FIFO as the scenario file: refused at once (reading it would block for good)', { timeout: 20_000 }, async () => {
    const fifo = join(tmp.dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    const r = await runInProcess(['run', fifo], tmp.dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cannot read '.*fifo\.yaml': not a regular file \(a FIFO\)/);
  });

  test('a FIFO, a folder and a 20 MiB sparse file as a template: refused at the template key', { timeout: 20_000 }, async () => {
    execFileSync('mkfifo', [join(tmp.dir, 'body.fifo')]);
    mkdirSync(join(tmp.dir, 'folder.json'));
    execFileSync('truncate', ['-s', '20M', join(tmp.dir, 'sparse.json')]);
    const file = write(
      `target: ${server.url}\nrequests:\n  - { name: a, path: /, template: body.fifo }\n  - { name: b, path: /, template: folder.json }\n  - { name: c, path: /, template: sparse.json }\nload: { executor: shared-iterations }\n`,
    );
    const d = await diagnosticsOf(file);
    assert.deepEqual(
      d.map((x) => `${x.location?.line}:${x.location?.column} ${x.message}`),
      [
        "3:35 cannot read template 'body.fifo' (not a regular file (a FIFO)) at 'requests[0].template'",
        "4:35 cannot read template 'folder.json' (not a regular file (a folder)) at 'requests[1].template'",
        "5:35 cannot read template 'sparse.json' (too large: 20 MiB, the limit is 10 MiB) at 'requests[2].template'",
      ],
    );
  });

  test('a 20 MiB sparse scenario file is refused', async () => {
    const big = join(tmp.dir, 'big.yaml');
    execFileSync('truncate', ['-s', '20M', big]);
    const r = await runInProcess(['run', big], tmp.dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /too large: 20 MiB, the limit is 10 MiB/);
  });
});

describe('CLI load flags over their bound: exit 2 naming the flag, no traffic', () => {
  const cases: [string, string[], RegExp][] = [
    ['--vus', ['--vus', '100001', '--duration', '1s'], /--vus 100001 is over the limit of 100,000/],
    ['--iterations', ['--iterations', '2000000000'], /--iterations 2000000000 is over the limit of 1,000,000,000/],
    ['--duration', ['--duration', '600h'], /--duration 600h is over the limit of 168h/],
    ['--timeout', ['--timeout', '2h'], /--timeout 2h is over the limit of 1h/],
    ['--connections', ['--connections', '1000000'], /--connections 1000000 is over the limit of 100,000/],
    ['--rate', ['--rate', '1000000000000000', '--duration', '1s'], /--rate 1000000000000000 is over the limit of 1,000,000 iterations\/s/],
    ['--rate per 1us', ['--rate', '2/1us', '--duration', '1s'], /--rate 2\/1us is over the limit of 1,000,000 iterations\/s/],
    ['--stages VU target', ['--stages', '1s:200000'], /--stages: target 200000 VUs is over the limit of 100,000/],
    ['--stages duration', ['--stages', '600h:10'], /--stages: a stage duration is over the limit of 168h/],
    ['--stages rate target', ['--rate', '0/1ms', '--stages', '1s:2000'], /--stages: target rate 2000 per 1 ms is over the limit of 1,000,000 iterations\/s/],
  ];
  for (const [name, flags, message] of cases) {
    test(name, async () => {
      const file = write(`target: ${server.url}\n${request()}load: { executor: shared-iterations }\n`);
      const before = server.count;
      const r = await runInProcess(['run', '-q', file, ...flags], tmp.dir);
      assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(server.count, before, 'no request sent');
    });
  }
});
