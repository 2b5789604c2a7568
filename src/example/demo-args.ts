// The demo's own reading of its arguments: which ones are for `runner run`, and where the result file goes.
import { resolve } from 'node:path';

/** `signup`: scenarios/signup.yaml (the default); `chat`: scenarios/chat.yaml against the WebSocket chat. */
export type DemoName = 'signup' | 'chat';

/**
 * Splits the user's arguments: a result-file `--out` (`--out r.json`, `--out=r.json`, `--out json=r.json`) is taken
 * out and returned as an absolute path (relative to where `npm run` was typed: npm runs scripts from the package
 * root and keeps the user's folder in INIT_CWD); everything else (`--out ndjson=…`, `--vus`, `--quiet`) passes on.
 */
export function splitDemoArgs(args: readonly string[], cwd: string): { out?: string; rest: string[]; demo: DemoName } {
  const rest: string[] = [];
  let out: string | undefined;
  // A first word names the demo: `npm run demo -- chat`; anything else starts the arguments of `runner run`.
  const demo: DemoName = args[0] === 'chat' || args[0] === 'signup' ? args[0] : 'signup';
  for (let i = args[0] === demo ? 1 : 0; i < args.length; i++) {
    const a = args[i];
    let value: string | undefined;
    if (a === '--out' && i + 1 < args.length) value = args[++i];
    else if (a.startsWith('--out=')) value = a.slice('--out='.length);
    else {
      rest.push(a);
      continue;
    }
    const kind = /^([a-z]+)=(.+)$/.exec(value);
    if (kind && kind[1] !== 'json') rest.push('--out', value);
    else out = resolve(cwd, kind ? kind[2] : value);
  }
  return { out, rest, demo };
}
