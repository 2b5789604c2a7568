// `runner init`'s work: check the name, refuse if any file exists, write them all (each with O_EXCL), print next steps.
import { lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { UserError } from '../../errors.ts';
import { ExitCode } from '../../exit-codes.ts';
import { starterFiles } from '../../init/starter-files.ts';
import { findRunnerPackage } from '../../scenario/load-ts.ts';
import { escapeTerminalText as safe } from '../../terminal-text.ts';
import type { Io } from '../io.ts';

export function initCommand(io: Io, name: string, flags: { ts?: boolean }): number {
  const base = basename(name);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(base) || /\.(ya?ml|m?ts|m?js)$/i.test(base)) {
    throw new UserError({ message: `'${name}' is not a usable scenario name`, hint: "letters, digits, '.', '_' and '-', without an extension, e.g. 'runner init checkout' (or 'runner init tests/checkout')" });
  }
  const folder = resolve(io.cwd, dirname(name));
  const pkg = findRunnerPackage();
  const schema = join(pkg.root, 'schema', 'scenario.schema.json');
  const files = starterFiles({ name: base, ts: flags.ts === true, schemaPath: pathFrom(folder, schema) });
  const targets = files.map((f) => ({ ...f, full: join(folder, f.path) }));
  // All or nothing: a file that exists is never overwritten, and then none of the others is written either.
  const existing = targets.filter((t) => present(t.full));
  if (existing.length > 0) {
    throw new UserError(
      existing.map((t) => ({
        message: `${display(io.cwd, t.full)} already exists: runner init never overwrites a file`,
        hint: 'pick another name (runner init <name>), or move the file away; nothing was written',
      })),
    );
  }
  for (const t of targets) {
    try {
      mkdirSync(dirname(t.full), { recursive: true });
      // 'wx': fails rather than replace a file created meanwhile.
      writeFileSync(t.full, t.text, { flag: 'wx' });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new UserError({ message: `cannot write ${display(io.cwd, t.full)} (${code})`, hint: code === 'EEXIST' ? 'it appeared while init ran: nothing is overwritten' : 'check the folder exists and is writable' });
    }
  }
  const scenario = display(io.cwd, targets[0].full);
  const example = display(io.cwd, join(pkg.root, 'dist', 'example', 'main.js'));
  io.stdout.write(
    [
      `wrote ${targets.map((t) => safe(display(io.cwd, t.full))).join(', ')}`,
      'next:',
      `  node ${safe(example)} --port 3000      # the example API it runs against (another terminal)`,
      `  runner inspect ${safe(scenario)} --sample 1          # the requests it will send, sending nothing`,
      `  runner run ${safe(scenario)}`,
      '',
    ].join('\n'),
  );
  return ExitCode.ok;
}

/** Anything at `path`, a dangling symbolic link included (existsSync follows links and says no). */
function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** `to` as a path from `folder`: relative when it is below it or nearby, else absolute. */
function pathFrom(folder: string, to: string): string {
  const rel = relative(folder, to);
  return rel.startsWith('../../../') || isAbsolute(rel) ? to : rel;
}

function display(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
