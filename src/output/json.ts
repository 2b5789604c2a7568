// `--out result.json` (or `--out json=result.json`): the versioned result file, written atomically at the end.
import { writeResultAtomic } from '../report/result.ts';
import type { OutputKind } from './types.ts';

export const jsonOutput: OutputKind = {
  target: 'file',
  example: 'result.json',
  essential: true,
  create: (ctx) => ({ writeResult: (result) => writeResultAtomic(ctx.target, result) }),
};
