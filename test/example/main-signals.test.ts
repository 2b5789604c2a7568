// The example API's CLI survives a reader that went away (`main.js | head -1`, a closed terminal) and stops on
// SIGHUP as on SIGINT/SIGTERM, printing its stats as one JSON line. Real processes, real pipes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const main = fileURLToPath(new URL('../../src/example/main.ts', import.meta.url));

function startCli(args: string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (s: string) => (out += s));
  child.stderr.on('data', (s: string) => (err += s));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  /** Resolves once the first line ("example API listening on …") is out. */
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const url = /listening on (\S+)\n/.exec(out)?.[1];
      if (url !== undefined) resolve(url);
    });
    void exited.then(([code]) => reject(new Error(`exited ${code} before listening: ${err}`)));
  });
  listening.catch(() => undefined); // awaited only by the tests that expect it to listen
  return { child, exited, listening, out: () => out, err: () => err };
}

test('example API: SIGHUP stops it like SIGTERM, with its stats as one JSON line and exit 0', { timeout: 20_000 }, async () => {
  const cli = startCli();
  try {
    const url = await cli.listening;
    assert.equal((await fetch(`${url}/health`)).status, 200);
    cli.child.kill('SIGHUP');
    const [code, signal] = await cli.exited;
    assert.deepEqual([code, signal], [0, null], cli.err());
    const stats = JSON.parse(cli.out().split('\n')[1]);
    assert.equal(stats.requests, 1);
  } finally {
    cli.child.kill('SIGKILL'); // no-op once it has exited
  }
});

test('example API: a closed stdout (`| head -1`) does not crash it when it prints its stats on SIGTERM', { timeout: 20_000 }, async () => {
  const cli = startCli();
  try {
    const url = await cli.listening;
    // The reader goes away after the first line, as `head -1` does.
    cli.child.stdout.destroy();
    assert.equal((await fetch(`${url}/health`)).status, 200, 'it still serves');
    cli.child.kill('SIGTERM');
    const [code, signal] = await cli.exited;
    assert.doesNotMatch(cli.err(), /Unhandled 'error' event|EPIPE/);
    assert.deepEqual([code, signal], [0, null], cli.err());
  } finally {
    cli.child.kill('SIGKILL');
  }
});

test('example API: a closed stderr does not turn a usage error into a crash', { timeout: 20_000 }, async () => {
  const cli = startCli(['--host', '0.0.0.0']);
  // Closed before the child (tsx takes a few hundred ms to start) writes its usage message.
  cli.child.stderr.destroy();
  const [code] = await cli.exited;
  assert.equal(code, 2);
});
