// Preloaded into a runner process (`node --import <this file> dist/cli/bin.js …`, $RUNNER_MODULE_TRACE set to
// a file path): writes to that file every module the process loaded, one per line — ES modules as resolved
// URLs (written by the resolve hook on the loader thread, as they resolve), CommonJS files and Node's own
// modules (`node:internal/…`) at exit. Plain JS, so the built CLI runs under it without tsx.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.env.RUNNER_MODULE_TRACE;
if (file) {
  register('./module-trace-hooks.mjs', import.meta.url, { data: { file } });
  process.once('exit', () => {
    const lines = [
      ...Object.keys(Module._cache).map((p) => pathToFileURL(p).href),
      ...process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => `node:${m.slice('NativeModule '.length)}`),
    ];
    appendFileSync(file, lines.join('\n') + '\n');
  });
}
