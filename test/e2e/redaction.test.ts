// Secret redaction never corrupts the result file: secrets that collide with a histogram's base64 ("HIST") and
// with JSON keys ("count") are redacted in values only, and compare/report read the file. A target URL's
// password is redacted from the summary, stderr, the result file, NDJSON, the HDR log and the HTML report.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { runInProcess } from './in-process.ts';
import { runCli } from './cli.ts';

const PASSWORD = 'hunter2-pw';

describe('redaction keeps the result file readable', () => {
  let dir = '';
  let server: TestServer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'runner-redaction-'));
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('secrets "HIST" and "count", a user:pass@ target: the server gets them, no output shows them, compare and report read the file', async () => {
    const target = server.url.replace('http://', `http://user:${PASSWORD}@`);
    await writeFile(
      join(dir, 'secret.yaml'),
      [
        'name: count HIST',
        `target: ${target}`,
        'headers:',
        '  X-A: ${SECRET_A}',
        '  X-B: "{{ env.SECRET_B }}"',
        'requests:',
        '  - name: items',
        '    path: /items',
        'load: { executor: shared-iterations, vus: 1, iterations: 3 }',
        '',
      ].join('\n'),
    );
    const r = await runCli(['run', 'secret.yaml', '--out', 'r.json', '--out', 'ndjson=r.ndjson', '--hdr-log', 'r.hlog'], {
      cwd: dir,
      env: { SECRET_A: 'HIST', SECRET_B: 'count' },
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.count, 3);
    assert.equal(server.received[0].headers['x-a'], 'HIST');
    assert.equal(server.received[0].headers['x-b'], 'count');

    const resultText = await readFile(join(dir, 'r.json'), 'utf8');
    const result = JSON.parse(resultText);
    // Values redacted, structure intact: keys, base64 histograms, numbers.
    assert.equal(result.scenario.name, '*** ***');
    assert.match(result.latency.hdr, /^HISTFAAAA/);
    assert.equal(result.latency.count, 3);
    assert.equal(result.totals.requests, 3);
    assert.deepEqual(Object.keys(result.requests), ['items']);
    assert.equal(result.target, server.url.replace('http://', 'http://user:***@'));

    const ndjson = await readFile(join(dir, 'r.ndjson'), 'utf8');
    const hlog = await readFile(join(dir, 'r.hlog'), 'utf8');
    for (const [where, text] of [['stdout', r.stdout], ['stderr', r.stderr], ['result file', resultText], ['ndjson', ndjson], ['hdr log', hlog]]) {
      assert.ok(!text.includes(PASSWORD), `${where} holds the URL password`);
    }
    assert.match(r.stdout, /target: http:\/\/user:\*\*\*@127\.0\.0\.1/);
    // Only values are redacted: the summary's own words stay.
    assert.match(r.stdout, /latency \(ms\) +count +min/);

    const compare = await runInProcess(['compare', 'r.json', 'r.json', '--fail-on', 'p99>+50%'], dir);
    assert.equal(compare.code, 0, compare.stderr);
    assert.match(compare.stdout, /total \(items\): no change/);
    const report = await runInProcess(['report', 'r.json', '-o', 'r.html'], dir);
    assert.equal(report.code, 0, report.stderr);
    const html = await readFile(join(dir, 'r.html'), 'utf8');
    assert.ok(!html.includes(PASSWORD), 'the HTML report holds the URL password');
    assert.match(html, /user:\*\*\*@127\.0\.0\.1/);
  });
});
