// Checks every file runner will write (result, NDJSON, HDR log, summary export, HTML report) before any work is
// done, so a typo in a folder name costs an exit 2, not a whole load test whose numbers then have nowhere to go.
import { accessSync, constants, lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../errors.ts';

/** One file to write: the flag that named it (for the message) and its absolute path. */
export interface OutputPath {
  flag: string;
  path: string;
  /** The path as the user typed it, when it differs (a trailing `/` says "a folder", which resolve() drops). */
  given?: string;
}

function statOrUndefined(stat: (p: string) => Stats, path: string): Stats | undefined {
  try {
    return stat(path);
  } catch (err) {
    // ENOTDIR: a file where a folder should be; the folder check below names it.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

function codeOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? 'error';
}

/** `--out /x/r.json`, `--out ndjson=/x/s.ndjson`: the flag and the path as one names them on the command line. */
export function describeOutput(o: OutputPath): string {
  return o.flag.endsWith('=') ? `${o.flag}${o.path}` : `${o.flag} ${o.path}`;
}

/** A file name fit for the output, for hints: an HTML report is not `result.json`. */
function exampleName(flag: string): string {
  const names: Record<string, string> = {
    '--out ndjson=': 'samples.ndjson',
    '--hdr-log': 'run.hlog',
    '--out hdr-log=': 'run.hlog',
    '--summary-export': 'summary.json',
    '--out summary-export=': 'summary.json',
    '-o': 'report.html',
  };
  return names[flag] ?? 'result.json';
}

function refuse(o: OutputPath, problem: string, hint: string): never {
  throw new UserError({ message: `${describeOutput(o)}: ${problem}`, hint });
}

/**
 * Checks one output and returns the path to write: the path itself, or the file a symbolic link points to
 * (outputs are written through a link, never replace it). Only regular files are written: a FIFO, a device or
 * a socket is refused, since an atomic rename would replace it with a file and opening a FIFO blocks until a
 * reader comes. Throws a UserError naming the flag and the path.
 */
export function checkOutputPath(o: OutputPath): string {
  // An empty path resolves to the working folder: say what is wrong, not that a folder was named.
  if (o.given === '') throw new UserError({ message: `${o.flag.endsWith('=') ? o.flag : `${o.flag} ''`}: the path is empty`, hint: `give a file name, e.g. ${o.flag}${o.flag.endsWith('=') ? '' : ' '}result.json` });
  if (o.given !== undefined && /(^|\/)\.{0,2}\/*$/.test(o.given)) {
    refuse(o, 'names a folder, not a file', `give a file name, e.g. ${o.given.replace(/\/+$/, '')}/${exampleName(o.flag)}`);
  }
  let target = o.path;
  let st: Stats | undefined;
  try {
    st = statOrUndefined(lstatSync, o.path);
    if (st?.isSymbolicLink()) {
      try {
        target = realpathSync(o.path);
      } catch (err) {
        refuse(o, `is a symbolic link that leads nowhere (${codeOf(err)})`, 'point the link at an existing file, or write to another path');
      }
      st = statSync(target);
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    refuse(o, `cannot be inspected (${codeOf(err)})`, 'check the path and its folders');
  }
  if (st !== undefined) {
    if (st.isDirectory()) refuse(o, 'is a folder', 'give a file name inside it, e.g. ' + `${o.path.replace(/\/+$/, '')}/${exampleName(o.flag)}`);
    if (!st.isFile()) refuse(o, 'is not a regular file (a FIFO, device or socket)', 'runner writes outputs to regular files only; write to a file and read it afterwards (or `tail -f` it)');
    try {
      accessSync(target, constants.W_OK);
    } catch (err) {
      refuse(o, `is not writable (${codeOf(err)})`, 'check its permissions, or write to another path');
    }
  }
  const dir = dirname(target);
  const dirStat = (() => {
    try {
      return statSync(dir);
    } catch (err) {
      const code = codeOf(err);
      if (code === 'ENOENT') refuse(o, `folder ${dir} does not exist`, `create it first (mkdir -p ${dir})`);
      if (code === 'ENOTDIR') refuse(o, `${dir} is not a folder (a file is in the way)`, 'check the path');
      return refuse(o, `folder ${dir} cannot be used (${code})`, 'check the path and its folders');
    }
  })();
  if (!dirStat.isDirectory()) refuse(o, `${dir} is not a folder`, 'check the path');
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    refuse(o, `cannot create files in folder ${dir} (${codeOf(err)})`, 'check its permissions (or a read-only mount), or write elsewhere');
  }
  return target;
}

/**
 * Checks every output (all problems at once), that no two outputs are the same file (one would overwrite the
 * other) and that none is one of `inputs` (absolute paths: the scenario, the result files read). Returns the
 * paths to write, in order.
 */
export function checkOutputPaths(outputs: readonly OutputPath[], inputs: readonly string[] = []): string[] {
  const problems: UserError[] = [];
  const targets: string[] = [];
  for (const o of outputs) {
    try {
      targets.push(checkOutputPath(o));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      problems.push(err);
      targets.push(o.path);
    }
  }
  const inputTargets = inputs.map((p) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  });
  for (let i = 0; i < outputs.length; i++) {
    if (inputTargets.includes(targets[i])) {
      problems.push(new UserError({ message: `${describeOutput(outputs[i])}: is an input of this command; it would be overwritten`, hint: 'write this output to another file' }));
    }
    const j = targets.indexOf(targets[i]);
    if (j < i) {
      problems.push(new UserError({ message: `${describeOutput(outputs[i])}: is the same file as ${describeOutput(outputs[j])}`, hint: 'give each output its own file' }));
    }
  }
  if (problems.length > 0) throw new UserError(problems.flatMap((p) => p.diagnostics));
  return targets;
}

/**
 * Refuses an output that is an input found only once the scenario is loaded (a request's template file, a module
 * a script scenario imports): the run would overwrite it. `outputs` are the checked paths (symbolic links already followed).
 */
export function refuseOutputsOverInputs(outputs: readonly OutputPath[], inputs: readonly string[]): void {
  const real = inputs.map((p) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  });
  const problems = outputs
    .filter((o) => real.includes(o.path))
    .map((o) => new UserError({ message: `${describeOutput(o)}: is an input of this command (a file the scenario reads: a template, data file, TLS file or imported module); it would be overwritten`, hint: 'write this output to another file' }));
  if (problems.length > 0) throw new UserError(problems.flatMap((e) => e.diagnostics));
}
