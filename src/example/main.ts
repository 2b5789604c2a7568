// `node dist/example/main.js [--port N] [--host H] [--delay-ms N]`: serves the example API on loopback until
// SIGINT/SIGTERM/SIGHUP, then prints its stats as one JSON line.
import { ExitCode } from '../exit-codes.ts';
import { createExampleApi } from './api.ts';

const USAGE = 'usage: main.js [--port N] [--host 127.0.0.1|::1|localhost] [--delay-ms N]';
// Loopback only: this is a load-test target and must never be reachable from the network.
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

interface ExampleArgs {
  port: number;
  host: string;
  delayMs: number;
}

/** argv (without node and the script) → options, or a message saying what is wrong. */
function parseExampleArgs(argv: readonly string[]): ExampleArgs | string {
  const args: ExampleArgs = { port: 0, host: '127.0.0.1', delayMs: 0 };
  for (let i = 0; i < argv.length; i++) {
    // Accept both `--port 8080` and `--port=8080`.
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (flag !== '--port' && flag !== '--host' && flag !== '--delay-ms') return `unknown argument: ${arg}`;
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) return `${flag} needs a value`;
    if (flag === '--host') {
      if (!LOOPBACK_HOSTS.has(value)) return `--host must be a loopback address (127.0.0.1, ::1, localhost), got ${value}`;
      args.host = value;
      continue;
    }
    const n = Number(value);
    const max = flag === '--port' ? 65535 : 3_600_000;
    if (value === '' || !Number.isInteger(n) || n < 0 || n > max) return `${flag} must be an integer from 0 to ${max}, got ${value}`;
    if (flag === '--port') args.port = n;
    else args.delayMs = n;
  }
  return args;
}

async function main(): Promise<void> {
  // A reader that went away (`main.js | head -1`, a closed terminal) must not crash the API with an unhandled
  // 'error' event (EPIPE, EIO): what it prints is a courtesy, serving and a clean exit are its job.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const args = parseExampleArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n${USAGE}\n`);
    process.exitCode = ExitCode.userError;
    return;
  }
  const api = createExampleApi({ delayMs: args.delayMs });
  let url: string;
  try {
    url = await api.listen(args.port, args.host);
  } catch (err) {
    // EADDRINUSE / EACCES: the port the user chose is not available.
    process.stderr.write(`cannot listen on ${args.host}:${args.port}: ${(err as Error).message}\n`);
    process.exitCode = ExitCode.userError;
    return;
  }
  process.stdout.write(`example API listening on ${url}\n`);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return; // several stop signals arrived
    stopping = true;
    await api.close();
    process.stdout.write(`${JSON.stringify(api.stats())}\n`);
    const chat = api.chatStats();
    if (chat.connections + chat.rejected > 0) process.stdout.write(`${JSON.stringify({ chat })}\n`);
    // No process.exit(): once the server is closed nothing holds the loop, and a natural exit flushes stdout.
    process.exitCode = ExitCode.ok;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // A closed terminal sends SIGHUP: stop as on Ctrl-C rather than die without the stats.
  process.once('SIGHUP', stop);
}

await main();
