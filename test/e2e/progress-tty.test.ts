// On a real terminal (a tmux pane), the live progress block never draws over what is printed after or between its
// redraws: the whole summary stays on screen down to its last lines (thresholds verdict, `runner:` line, warnings),
// and so does the Ctrl-C message. Skips, saying why, when tmux is missing (.ci/run installs it).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { binPath, tempDir } from './cli.ts';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
// A socket of our own: these sessions never meet the user's tmux server.
const socket = `runner-test-${process.pid}`;
let server: TestServer;
let dir: string;
let cleanup: () => Promise<void>;

before(async () => {
  server = await startTestServer({ record: false });
  ({ dir, cleanup } = await tempDir('runner-tty-'));
});
after(async () => {
  // Ends the tmux server this file started (its own socket), and with it the sessions' processes.
  if (hasTmux) spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  await server.close();
  await cleanup();
});

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
}

async function waitFor(what: string, ok: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts `runner run …args` in a new tmux session, `width`×50; its exit code lands in `<name>.rc`. */
function startInTerminal(name: string, args: string[], width = 150): string {
  const rc = join(dir, `${name}.rc`);
  const quoted = args.map((a) => `'${a}'`).join(' ');
  const cmd = `cd '${dir}' && NO_COLOR=1 RUNNER_PROGRESS_INTERVAL_MS=50 '${process.execPath}' '${binPath}' run ${quoted}; echo $? > '${rc}'; sleep 120`;
  tmux('new-session', '-d', '-s', name, '-x', String(width), '-y', '50', cmd);
  return rc;
}

/**
 * The visible pane, without trailing blank lines. (Not the scroll-back: tmux moves the screen into it when a
 * redraw clears from the top-left corner, so old blocks pile up there though the screen is right.)
 */
function screen(name: string): string[] {
  const lines = tmux('capture-pane', '-p', '-t', name).split('\n');
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  return lines;
}

function scenario(name: string, load: string[]): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [`name: ${name}`, `target: ${server.url}`, 'requests:', '  - name: hit', '    path: /hit', '    expect: 200', 'thresholds:', "  http_req_duration: ['p(99)<5000']", 'load:', ...load.map((l) => `  ${l}`), ''].join('\n'),
  );
  return file;
}

test('the summary keeps its last lines on a terminal (thresholds verdict, runner: line, warnings)', { skip: hasTmux ? false : 'tmux not installed' }, async () => {
  const rc = startInTerminal('summary', [scenario('summary', ['executor: shared-iterations', 'vus: 2', 'iterations: 400']), '--insecure']);
  await waitFor('the run to end', () => existsSync(rc) && readFileSync(rc, 'utf8').trim() !== '');
  assert.equal(readFileSync(rc, 'utf8').trim(), '0');
  const lines = screen('summary');
  const text = lines.join('\n');
  // One progress block on screen (redrawn in place), its last state, above the summary.
  assert.equal(text.match(/^running /gm)?.length, 1, text);
  assert.match(text, /running .*100%/);
  assert.ok(text.indexOf('running') < text.indexOf('scenario: summary'), text);
  // The summary down to its very last line.
  assert.match(text, /^thresholds:$/m);
  assert.match(text, /^ {2}all 1 thresholds passed$/m);
  assert.match(text, /^runner: CPU /m);
  assert.equal(lines[lines.length - 1], 'warning: TLS certificate verification is disabled (--insecure)', text);
});

test('the Ctrl-C message stays on a terminal while the progress block goes on redrawing', { skip: hasTmux ? false : 'tmux not installed' }, async () => {
  const before = server.count;
  const rc = startInTerminal('ctrlc', [scenario('ctrlc', ['executor: constant-vus', 'vus: 2', 'duration: 60s'])]);
  await waitFor('the load to start', () => server.count - before >= 20);
  // Let a few redraws happen, then press Ctrl-C in the terminal (the tty sends SIGINT to the foreground group).
  await new Promise((r) => setTimeout(r, 300));
  tmux('send-keys', '-t', 'ctrlc', 'C-c');
  await waitFor('the run to end', () => existsSync(rc) && readFileSync(rc, 'utf8').trim() !== '');
  assert.equal(readFileSync(rc, 'utf8').trim(), '130');
  const text = screen('ctrlc').join('\n');
  assert.match(text, /^SIGINT: stopping; in-flight requests get a short grace/m);
  assert.ok(text.indexOf('SIGINT: stopping') < text.lastIndexOf('running '), 'the block went on below the message');
  assert.match(text, /outcome: interrupted/);
  assert.match(text, /^runner: CPU /m);
});

test('on a terminal narrower than the block, the redraw goes up over its wrapped rows: one block on screen', { skip: hasTmux ? false : 'tmux not installed' }, async () => {
  // 40 columns: the block's first line (~75 characters) wraps onto two rows.
  const rc = startInTerminal('narrow', [scenario('narrow', ['executor: shared-iterations', 'vus: 2', 'iterations: 400'])], 40);
  await waitFor('the run to end', () => existsSync(rc) && readFileSync(rc, 'utf8').trim() !== '');
  assert.equal(readFileSync(rc, 'utf8').trim(), '0');
  const text = screen('narrow').join('\n');
  assert.equal(text.match(/^running /gm)?.length, 1, text);
  assert.equal(text.match(/^vus /gm)?.length, 1, text);
});

test("scenario code's console.log during the run stays on a terminal; the block redraws below it", { skip: hasTmux ? false : 'tmux not installed' }, async () => {
  const file = join(dir, 'logs.mts');
  writeFileSync(
    file,
    [
      "import { defineScenario, type IterationContext } from 'runner';",
      'let n = 0;',
      'async function one({ http }: IterationContext) {',
      "  await http.get('/x');",
      '  n++;',
      '  if (n % 100 === 0) console.log(`log line ${n}`);',
      '  if (n === 250) process.stderr.write(`stderr line ${n}\\n`);',
      '}',
      `export default defineScenario({ target: '${server.url}', load: { executor: 'shared-iterations', vus: 1, iterations: 400 }, iteration: one });`,
    ].join('\n'),
  );
  const rc = startInTerminal('logs', [file]);
  await waitFor('the run to end', () => existsSync(rc) && readFileSync(rc, 'utf8').trim() !== '');
  assert.equal(readFileSync(rc, 'utf8').trim(), '0');
  const text = screen('logs').join('\n');
  for (const line of ['log line 100', 'log line 200', 'stderr line 250', 'log line 300', 'log line 400']) assert.match(text, new RegExp(`^${line}$`, 'm'), text);
  assert.equal(text.match(/^running /gm)?.length, 1, text);
});
