// Generator `date`: a moment in [from, to] (both inclusive, UTC), written in `format`. The moment is drawn on a
// grid of whole days, or of whole seconds when the format shows the time, so the space is finite and `unique`
// can enumerate it.
import { checkKeys, describe, stringArg } from './args.ts';
import { intBelow, limitOf } from './rng.ts';
import { GeneratorArgError, type FieldValue, type Generator, type GeneratorFactory, type Rng } from './types.ts';

const DAY_MS = 86_400_000;
const TWO_32 = 4294967296;

/** Tokens, longest first so `MM` is not read inside `mm`. `iso`, `unix` and `unixMs` stand alone. */
const TOKENS = /YYYY|MM|DD|HH|mm|ss|SSS/g;
const TIME_TOKENS = /HH|mm|ss|SSS/;
const WHOLE_FORMATS = ['iso', 'unix', 'unixMs'];

type Render = (ms: number) => FieldValue;

class DateGenerator implements Generator {
  /** limitOf(size) when size ≤ 2^32. */
  private readonly limit32: number;

  constructor(
    private readonly fromMs: number,
    private readonly stepMs: number,
    readonly size: number,
    private readonly render: Render,
  ) {
    this.limit32 = size <= TWO_32 ? limitOf(size) : 0;
  }

  draw(rng: Rng): FieldValue {
    const k = this.size <= TWO_32 ? intBelow(rng, this.size, this.limit32) : Math.floor(rng.nextFloat() * this.size);
    return this.at(k);
  }

  at(index: number): FieldValue {
    return this.render(this.fromMs + index * this.stepMs);
  }
}

export const date: GeneratorFactory = (args) => {
  checkKeys(args, ['from', 'to', 'format']);
  const format = stringArg(args, 'format', 'YYYY-MM-DD')!;
  const fromMs = momentArg(args, 'from');
  const toMs = momentArg(args, 'to');
  if (toMs < fromMs) throw new GeneratorArgError(`'to' (${String(args.to)}) is before 'from' (${String(args.from)})`, 'to', 'both ends are inclusive');
  const timeShown = WHOLE_FORMATS.includes(format) || TIME_TOKENS.test(format);
  if (!WHOLE_FORMATS.includes(format) && !new RegExp(TOKENS.source).test(format)) {
    throw new GeneratorArgError(`argument 'format' shows no date part: ${JSON.stringify(format)}`, 'format', 'use YYYY MM DD HH mm ss SSS, or iso, unix, unixMs');
  }
  const stepMs = timeShown ? 1000 : DAY_MS;
  // The grid starts at `from` rounded up to the step, and ends at `to` rounded down: every value is in range.
  const first = Math.ceil(fromMs / stepMs) * stepMs;
  const size = Math.floor((toMs - first) / stepMs) + 1;
  if (size < 1) throw new GeneratorArgError(`no whole ${timeShown ? 'second' : 'day'} lies between 'from' and 'to'`, 'to', 'widen the range');
  return new DateGenerator(first, stepMs, size, renderer(format));
};

/** A date `YYYY-MM-DD` (midnight UTC) or an ISO 8601 date-time; a date-time without a zone is read as UTC. */
function momentArg(args: Record<string, unknown>, key: string): number {
  const v = args[key];
  const hint = `e.g. ${key}: 2024-01-31 or ${key}: 2024-01-31T12:00:00Z`;
  if (v === undefined) throw new GeneratorArgError(`missing required argument '${key}'`, key, hint);
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(v)) {
    throw new GeneratorArgError(`argument '${key}' must be a date like 2024-01-31, got ${describe(v)}`, key, hint);
  }
  const text = v.length === 10 || /(Z|[+-]\d{2}:\d{2})$/.test(v) ? v : `${v.replace(' ', 'T')}Z`;
  const ms = Date.parse(text);
  // Date.parse rolls 2024-02-30 over to March 1st: a day that does not exist is refused (checked in UTC).
  const rolledOver = Number.isFinite(ms) && !/[+-]\d{2}:\d{2}$/.test(text) && new Date(ms).toISOString().slice(0, 10) !== text.slice(0, 10);
  if (!Number.isFinite(ms) || rolledOver) throw new GeneratorArgError(`argument '${key}' is not a real date: ${describe(v)}`, key, hint);
  return ms;
}

function renderer(format: string): Render {
  if (format === 'iso') return (ms) => new Date(ms).toISOString();
  if (format === 'unix') return (ms) => Math.floor(ms / 1000);
  if (format === 'unixMs') return (ms) => ms;
  // The format split once into literal text and token readers.
  const pieces: (string | ((d: Date) => string))[] = [];
  let last = 0;
  for (const m of format.matchAll(TOKENS)) {
    if (m.index > last) pieces.push(format.slice(last, m.index));
    pieces.push(tokenReader(m[0]));
    last = m.index + m[0].length;
  }
  if (last < format.length) pieces.push(format.slice(last));
  return (ms) => {
    const d = new Date(ms);
    let s = '';
    for (const p of pieces) s += typeof p === 'string' ? p : p(d);
    return s;
  };
}

function tokenReader(token: string): (d: Date) => string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  switch (token) {
    case 'YYYY':
      return (d) => pad(d.getUTCFullYear(), 4);
    case 'MM':
      return (d) => pad(d.getUTCMonth() + 1);
    case 'DD':
      return (d) => pad(d.getUTCDate());
    case 'HH':
      return (d) => pad(d.getUTCHours());
    case 'mm':
      return (d) => pad(d.getUTCMinutes());
    case 'ss':
      return (d) => pad(d.getUTCSeconds());
    default:
      return (d) => pad(d.getUTCMilliseconds(), 3);
  }
}
