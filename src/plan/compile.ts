// Compiles the scenario model into a Plan: templates into render functions, fields into bound
// generators, placeholders into slot indexes, URLs into origin + path. Done once, before any request.
import { readFileSync } from 'node:fs';
import { createDataSource, DataFeed, type DataFill, type DataSource } from '../data/feed.ts';
import { UserError, didYouMean, type Diagnostic, type Location } from '../errors.ts';
import { compileField, type CompiledField } from '../generators/index.ts';
import type { FieldValue } from '../generators/types.ts';
import type { HeaderSpec, RequestSpec, TestModel } from '../scenario/model.ts';
import { maxVusOf } from '../scheduler/index.ts';
import type { SegmentTuple } from '../scheduler/segment.ts';
import { compileTemplate, constantRender } from '../template/compile.ts';
import { findJsonTemplateError } from '../template/json-check.ts';
import { parseTemplate } from '../template/parse.ts';
import type { EscapeMode, RenderFn, ResolvePlaceholder, SlotRef } from '../template/types.ts';
import { compileWsStep } from '../ws/compile.ts';
import { compileFormBody, multipartContentTypeError } from './compile-body.ts';
import { createExpectTable } from './expect.ts';
import { envHeaderProblem } from './static-request-check.ts';
import type { CompiledRequest, Plan, PlannedScenario, SlotTable } from './types.ts';

export interface CompileOptions {
  seed: number;
  /** Environment for `{{env.NAME}}` / `${NAME}` placeholders. */
  env: Readonly<Record<string, string | undefined>>;
  /** Overrides the scenario's `target`. */
  target?: string;
  /** The part of the run this process runs (--segment); absent = all of it. */
  segment?: SegmentTuple;
}

export function compilePlan(model: TestModel, opts: CompileOptions): Plan {
  const diagnostics: Diagnostic[] = [];
  const secrets = new Set<string>();
  const fields: CompiledField[] = [];
  for (const spec of model.fields) {
    try {
      fields.push(compileField(spec, opts.seed));
    } catch (err) {
      collect(err, diagnostics);
    }
  }
  const target = opts.target ?? model.target;
  const requestNames: string[] = [];
  const multi = model.scenarios.length > 1;
  const data = (model.data ?? []).map((spec) => createDataSource(spec, opts.seed));
  const scenarios: PlannedScenario[] = model.scenarios.map((s, index) => {
    const slots: SlotTable = { names: model.fields.map((f) => f.name), fieldCount: model.fields.length, usedFields: new Set(), plainFields: plainFieldsOf(model, s, fields), captures: new Set(), data, fills: [] };
    let steps: CompiledRequest[] | undefined;
    let ws: PlannedScenario['ws'];
    if (s.flow.kind === 'requests') {
      steps = [];
      const wsSteps = s.flow.ws ?? [];
      const compileWsBefore = (n: number): void => {
        for (const w of wsSteps) {
          if (w.before !== n) continue;
          try {
            (ws ??= []).push({ before: n, step: compileWsStep(w.step, { target, timeoutMs: model.http.timeoutMs, headers: model.headers, slots: slots.names, resolve: resolver(slots, opts.env, secrets), file: model.file }) });
          } catch (err) {
            collect(err, diagnostics);
          }
        }
      };
      for (const r of s.flow.requests) {
        compileWsBefore(steps.length);
        try {
          const id = requestNames.length;
          requestNames.push(multi && requestNames.includes(r.name) ? `${s.name}.${r.name}` : r.name);
          steps.push(compileRequest(r, id, model, slots, target, opts.env, secrets));
        } catch (err) {
          collect(err, diagnostics);
        }
      }
      compileWsBefore(s.flow.requests.length);
    }
    let headers: PlannedScenario['headers'];
    if (s.flow.kind === 'function') {
      const resolve = resolver(slots, opts.env, secrets);
      headers = [];
      for (const h of model.headers) {
        try {
          const at = h.location ?? { file: model.file, line: 1, column: 1 };
          const t = parseTemplate(h.value, at);
          const render = compileTemplate(t, 'header', resolve);
          const problem = envHeaderProblem(h.name.toLowerCase(), t, render, opts.env, at);
          if (problem) throw new UserError(problem);
          headers.push({ name: h.name.toLowerCase(), render });
        } catch (err) {
          collect(err, diagnostics);
        }
      }
    }
    // A code scenario reads any data file through ctx.rows; a request list only the files its templates name.
    const feed = s.flow.kind === 'function' ? (data.length > 0 ? new DataFeed(data, slots.fills) : undefined) : feedOf(data, slots.fills);
    // A code iteration sees every field in ctx.fields; a request list draws only the fields its templates read.
    const drawFields = s.flow.kind === 'function' ? model.fields.map((_, i) => i) : [...slots.usedFields].sort((a, b) => a - b);
    return { name: s.name, index, load: s.load, steps, ws, iteration: s.flow.kind === 'function' ? s.flow : undefined, headers, drawFields, slotCount: slots.names.length, feed };
  });
  // A default header is compiled into every request: its problem is reported once.
  if (diagnostics.length > 0) throw new UserError(diagnostics.filter((d, i) => diagnostics.findIndex((o) => JSON.stringify(o) === JSON.stringify(d)) === i));
  const needsTarget = scenarios.some((s) => s.steps?.some((r) => r.origin === ''));
  if (needsTarget) {
    throw new UserError({ message: 'no target: requests use relative paths but the scenario has no target', location: { file: model.file, line: 1, column: 1 }, hint: "add 'target: http://host:port' to the scenario or pass --target URL" });
  }
  // A socket per VU (this segment's VUs: a process running a third of them needs a third of the sockets); with
  // HTTP/2 a session carries `pipelining` streams, so fewer sessions serve the same VUs.
  const vus = Math.max(1, ...model.scenarios.map((s) => maxVusOf(s.load, opts.segment)));
  const connections = model.http.connections ?? (model.http.version === 2 ? Math.ceil(vus / model.http.pipelining) : vus);
  return {
    name: model.name,
    file: model.file,
    seed: opts.seed,
    target,
    http: { ...model.http, connections },
    fields,
    data,
    requestNames,
    scenarios,
    thresholds: model.thresholds,
    secrets: [...secrets].filter((s) => s.length > 0),
    ...(opts.segment && !opts.segment.isFull ? { segment: opts.segment } : {}),
  };
}

function collect(err: unknown, into: Diagnostic[]): void {
  if (err instanceof UserError) into.push(...err.diagnostics);
  else throw err;
}

function compileRequest(
  r: RequestSpec,
  id: number,
  model: TestModel,
  slots: SlotTable,
  target: string | undefined,
  env: CompileOptions['env'],
  secrets: Set<string>,
): CompiledRequest {
  const resolve = resolver(slots, env, secrets);
  const fallback: Location = r.pathLocation ?? r.location ?? { file: model.file, line: 1, column: 1 };
  const { origin, pathText } = splitUrl(r.path, target, fallback);
  const render = (text: string, mode: EscapeMode, at: Location | undefined): RenderFn =>
    compileTemplate(parseTemplate(text, at ?? fallback), mode, resolve);

  const headerSpecs = mergeHeaders(model.headers, r.headers);
  const headers = headerSpecs.map((h) => {
    const at = h.location ?? fallback;
    const t = parseTemplate(h.value, at);
    const compiled = compileTemplate(t, 'header', resolve);
    // An env value undici would refuse: a load error here, not invalid_request on every request of the run.
    const problem = envHeaderProblem(h.name.toLowerCase(), t, compiled, env, at);
    if (problem) throw new UserError(problem);
    return { name: h.name.toLowerCase(), render: compiled };
  });
  let body: RenderFn | undefined;
  let bodyBytes: CompiledRequest['bodyBytes'];
  if (r.body && r.body.kind !== 'template') {
    const compiled = compileFormBody(r.body, `${model.file}\n${r.name}`, resolve, r.body.location ?? fallback);
    body = compiled.render;
    bodyBytes = compiled.bytes;
    const given = headers.some((h) => h.name === 'content-type');
    if (given && r.body.kind === 'multipart') throw multipartContentTypeError(r.body.location ?? fallback);
    if (!given) headers.push({ name: 'content-type', render: constantRender(compiled.contentType) });
  } else if (r.body) {
    try {
      body = render(r.body.text, r.body.format === 'json' ? 'json' : 'text', r.body.location);
    } catch (err) {
      // An inline `json:` body was re-serialised: point at the scenario's own line, not at the serialised text.
      throw r.body.file === undefined && r.body.format === 'json' && r.body.location ? relocateInline(err, r.body.location) : err;
    }
    // A `.json` template must render JSON whatever its fields hold; inline `json:` is serialised by runner.
    if (r.body.format === 'json' && r.body.file !== undefined) checkJsonTemplate(r.body.text, r.body.file);
    if (r.body.format === 'json' && !headers.some((h) => h.name === 'content-type')) {
      headers.push({ name: 'content-type', render: constantRender('application/json') });
    }
  }
  const path = render(pathText, 'url', r.pathLocation ? shift(r.pathLocation, r.path.length - pathText.length) : undefined);
  // Captures become slots only after this request's own templates are compiled: they exist from the next request on.
  const captures = r.captures.map((c) => {
    if (c.from === 'cookie' && model.http.cookies === 'off') {
      throw new UserError({ message: `capture '${c.name}' reads a cookie, but cookies are off (http.cookies: false)`, location: c.location ?? fallback, hint: 'remove http.cookies: false, or capture the Set-Cookie header instead' });
    }
    if (!slots.names.includes(c.name)) slots.names.push(c.name);
    slots.captures.add(c.name);
    return { ...c, slot: slots.names.indexOf(c.name) };
  });
  const expect = createExpectTable(r.expect.length === 0 ? undefined : r.expect);
  return {
    id,
    name: r.name,
    method: r.method,
    origin,
    path,
    headers,
    body,
    bodyBytes,
    expect,
    captures,
    think: r.think,
    timeoutMs: r.timeoutMs ?? model.http.timeoutMs,
    needsBody: r.captures.some((c) => c.from === 'json'),
  };
}

/**
 * The field slots of scenario `s` whose generator draws strings JSON takes as they are, left out when any
 * capture of the scenario (a request's or a WebSocket step's) has the field's name: it could refill the slot
 * with any text before a later template reads it.
 */
function plainFieldsOf(model: TestModel, s: TestModel['scenarios'][number], fields: CompiledField[]): Set<number> {
  const captured = new Set<string>();
  if (s.flow.kind === 'requests') {
    for (const r of s.flow.requests) for (const c of r.captures) captured.add(c.name);
    for (const w of s.flow.ws ?? []) for (const a of w.step.actions) if (a.kind === 'wait') for (const c of a.captures) captured.add(c.name);
  }
  const out = new Set<number>();
  model.fields.forEach((spec, slot) => {
    const field = fields.find((f) => f.name === spec.name);
    if (field?.plainString === true && !captured.has(spec.name)) out.add(slot);
  });
  return out;
}

/** The feed of a request-list scenario: only the sources its templates read (an unread queue never stops it). */
function feedOf(data: DataSource[], fills: DataFill[]): DataFeed | undefined {
  if (fills.length === 0) return undefined;
  const used = [...new Set(fills.map((f) => f.source))].sort((a, b) => a - b);
  return new DataFeed(
    used.map((i) => data[i]),
    fills.map((f) => ({ ...f, source: used.indexOf(f.source) })),
  );
}

/** `{{users.email}}`: the slot the column `email` of data file `users` is copied into before each iteration. */
function dataSlot(slots: SlotTable, name: string, at: Location): SlotRef {
  const dot = name.indexOf('.');
  const sourceName = name.slice(0, dot);
  const column = name.slice(dot + 1);
  const source = slots.data.findIndex((d) => d.name === sourceName);
  if (source < 0) {
    const names = slots.data.map((d) => d.name);
    const guess = didYouMean(sourceName, names);
    throw new UserError({
      message: `placeholder '{{${name}}}' refers to no data file '${sourceName}'`,
      location: at,
      hint: guess ?? (names.length > 0 ? `data files: ${names.join(', ')}` : "declare it under 'data:', e.g. 'data: { users: { file: users.csv } }'"),
    });
  }
  const table = slots.data[source].table;
  const col = table.columnIndex(column);
  if (col < 0) {
    const guess = didYouMean(column, table.columns);
    throw new UserError({
      message: `data file '${sourceName}' (${slots.data[source].file.replace(/^.*[\\/]/, '')}) has no column '${column}'`,
      location: at,
      hint: guess ?? `its columns: ${table.columns.join(', ')}`,
    });
  }
  let slot = slots.names.indexOf(name);
  if (slot < 0) {
    slot = slots.names.push(name) - 1;
    slots.fills.push({ source, column: col, slot });
  }
  return { slot };
}

/** Placeholders resolve to fields, data columns, earlier captures, or environment variables (kept as secrets). */
function resolver(slots: SlotTable, env: CompileOptions['env'], secrets: Set<string>): ResolvePlaceholder {
  return (part): SlotRef => {
    if (part.env) {
      const value = env[part.name];
      if (value === undefined) {
        throw new UserError({ message: `environment variable '${part.name}' is not set`, location: part.location, hint: `set it before running: ${part.name}=... runner run ...` });
      }
      secrets.add(value);
      return { constant: value };
    }
    if (part.name.includes('.')) return dataSlot(slots, part.name, part.location);
    const slot = slots.names.indexOf(part.name);
    if (slot >= 0) {
      // A field's slot, also when a capture of the same name refills it later: the first request may read the draw.
      if (slot < slots.fieldCount) slots.usedFields.add(slot);
      return slots.plainFields.has(slot) ? { slot, plainString: true } : { slot };
    }
    const guess = didYouMean(part.name, slots.names);
    const known = slots.names.length > 0 ? `known names: ${slots.names.join(', ')}` : "define it under 'fields:' or capture it in an earlier request";
    throw new UserError({ message: `placeholder '{{${part.name}}}' refers to no field or earlier capture`, location: part.location, hint: guess ?? known });
  };
}

function mergeHeaders(defaults: HeaderSpec[], own: HeaderSpec[]): HeaderSpec[] {
  const ownNames = new Set(own.map((h) => h.name.toLowerCase()));
  return [...defaults.filter((h) => !ownNames.has(h.name.toLowerCase())), ...own];
}

/** Splits a request path or absolute URL into a static origin and a path template. */
function splitUrl(path: string, target: string | undefined, at: Location): { origin: string; pathText: string } {
  const absolute = /^(https?:\/\/[^/{}]+)(\/.*)?$/.exec(path);
  if (absolute) return { origin: new URL(absolute[1]).origin, pathText: absolute[2] ?? '/' };
  if (/^https?:\/\//.test(path)) {
    throw new UserError({ message: `the host part of '${path}' cannot hold a placeholder`, location: at, hint: 'one pool per origin is set up before the run: keep scheme, host and port literal' });
  }
  if (!target) return { origin: '', pathText: path };
  const base = new URL(target);
  const prefix = base.pathname.replace(/\/$/, '');
  return { origin: base.origin, pathText: prefix + path };
}

/**
 * Moves diagnostics found in re-serialised inline JSON back onto the scenario's own lines: to where the same
 * placeholder text stands in the file, from the `json:` value on (the file is read only on this error path).
 */
function relocateInline(err: unknown, at: Location): unknown {
  if (!(err instanceof UserError)) return err;
  let lines: string[] = [];
  try {
    lines = readFileSync(at.file, 'utf8').split(/\r?\n/);
  } catch {
    // The file is gone: keep the value's own position.
  }
  return new UserError(
    err.diagnostics.map((d) => {
      const serialised = d.location?.lineText ?? '';
      const from = (d.location?.column ?? 1) - 1;
      const end = serialised.indexOf('}}', from);
      const snippet = end >= 0 ? serialised.slice(from, end + 2) : '';
      for (let i = at.line - 1; snippet !== '' && i < lines.length; i++) {
        const col = lines[i].indexOf(snippet, i === at.line - 1 ? at.column - 1 : 0);
        if (col >= 0) return { ...d, location: { file: at.file, line: i + 1, column: col + 1, lineText: lines[i] } };
      }
      return { ...d, location: at };
    }),
  );
}

function checkJsonTemplate(text: string, file: string): void {
  const error = findJsonTemplateError(text);
  if (!error) return;
  const before = text.slice(0, error.offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = text.indexOf('\n', lineStart);
  const lineText = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd).replace(/\r$/, '');
  throw new UserError({
    message: `template is not JSON: ${error.message}`,
    location: { file, line, column: error.offset - lineStart + 1, lineText },
    hint: "a '.json' template must be JSON once its placeholders are filled: a placeholder may stand for a whole value or sit inside a string",
  });
}

function shift(loc: Location, columns: number): Location {
  return { ...loc, column: loc.column + columns };
}

/** Values a VU's iteration reads by slot: fields first, then captures. */
export function createSlots(size: number): FieldValue[] {
  return new Array<FieldValue>(size).fill('');
}
