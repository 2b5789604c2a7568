// Loads a k6 script (one that imports `k6` or `k6/*`): bundle (bundle.ts), make its blocking calls awaitable
// (transform.ts), import it as a per-VU module function (instance.ts), run its init code once to read `options`
// and the metrics it defines, and map all of it onto runner's model: a code scenario per k6 scenario.
import { writeFile } from 'node:fs/promises';
import type { SourceMap } from 'node:module';
import { performance } from 'node:perf_hooks';
import { basename, dirname, resolve } from 'node:path';
import { UserError, type Diagnostic, type Location } from '../errors.ts';
import type { RunResult, ThresholdOutcome } from '../result/types.ts';
import type { TestModel } from '../scenario/model.ts';
import { maxVusOf } from '../scheduler/index.ts';
import { validateScenario } from '../scenario/validate.ts';
import { bundleK6Script } from './bundle.ts';
import type { K6Finish, K6Hooks } from './hooks.ts';
import { createErrorLocator, createOpen, importInstanceFactory, locateInBundle } from './instance.ts';
import { createK6Console } from './console.ts';
import { createK6FlowSpec, instantiate, type K6Script } from './k6-flow.ts';
import { MetricRegistry } from './k6-metrics.ts';
import { mapOptions } from './options.ts';
import { summaryData, resultSection } from './summary.ts';
import { compileK6Thresholds, passes, thresholdValue } from './thresholds.ts';
import { absorbK6Delta, createK6Drain } from './thread-delta.ts';
import { createPositionMapper, transformBlockingCalls } from './transform.ts';
import type { K6Run } from './vu-state.ts';

export interface K6LoadOptions {
  loadFromFlags?: boolean;
  /** `__ENV`: the process environment, then `-e KEY=VALUE`. */
  env?: Record<string, string | undefined>;
  /** Where the script's console writes (stderr); default: nowhere. */
  log?: (text: string) => void;
}

export async function loadK6Script(file: string, source: string, opts: K6LoadOptions = {}): Promise<TestModel> {
  const dir = dirname(file);
  const bundled = await bundleK6Script(file);
  const transformed = transformOrThrow(bundled.code, bundled.map, dir, file);
  const { factory, modulePath } = await importInstanceFactory(file, transformed.code);
  const toBundle = createPositionMapper(bundled.code, transformed.inserts);
  const locateError = createErrorLocator(modulePath, dir, bundled.map, toBundle);
  const fileStart: Location = { file, line: 1, column: 1 };

  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v !== undefined) env[k] = v;
  const run: K6Run = {
    registry: new MetricRegistry(),
    options: {},
    groups: new Map(),
    now: () => performance.now(),
    abort: () => undefined,
    startedAtMs: Date.now(),
    env,
    counters: () => ({ completed: 0, interrupted: 0, activeVus: 0 }),
  };
  const k6Console = createK6Console(opts.log ?? (() => undefined), run.now);
  const script: K6Script = { factory, run, shared: new Map(), scenarios: [], open: createOpen(dir), locateError, exportNames: new Set(), console: k6Console, vuOffsets: new Map() };

  // The init code, once, as k6 runs it to read the options: a throw here is the script's mistake.
  let exports: Record<string, unknown>;
  try {
    exports = instantiate(script, undefined, 0, undefined).inst.exports;
  } catch (err) {
    throw new UserError({
      message: `the script threw in its init code: ${err instanceof Error ? err.message : String(err)}`,
      location: locateError(err) ?? fileStart,
      hint: 'the init code (outside functions) runs once per VU: keep it to imports, open(), options and metrics',
    });
  }
  script.exportNames = new Set(Object.keys(exports));
  const options = (exports.options ?? {}) as Record<string, any>;
  run.options = options;
  const at = locateOptions(source, file) ?? fileStart;
  const mapped = mapOptions(options, basename(file).replace(/\.[^.]+$/, ''), at);
  script.scenarios = mapped.scenarios;
  const problems: Diagnostic[] = [...mapped.problems];
  for (const s of mapped.scenarios) {
    if (!script.exportNames.has(s.exec) || typeof exports[s.exec] !== 'function') {
      problems.push({
        message: s.exec === 'default' ? 'the script has no default function' : `scenario '${s.name}': the script exports no function '${s.exec}'`,
        location: s.exec === 'default' ? fileStart : at,
        hint: s.exec === 'default' ? 'k6 runs `export default function () { ... }` once per iteration' : `export function ${s.exec}() { ... }`,
      });
    }
  }
  // Tag-filtered and custom-metric thresholds: their sub-metrics must exist before the first sample.
  const k6Thresholds = compileK6Thresholds(mapped.k6Thresholds, run.registry);
  for (const p of k6Thresholds.problems) problems.push({ ...p, location: at });
  run.registry.submetric(run.registry.metrics.get('http_req_duration')!, { expected_response: 'true' });
  if (problems.length > 0) throw new UserError(problems);

  const flow = createK6FlowSpec(script);
  const model = validateScenario(mapped.raw, { file, locate: () => at, flow, loadFromFlags: opts.loadFromFlags });
  let vus = 0;
  for (const s of model.scenarios) {
    script.vuOffsets.set(s.name, vus);
    vus += maxVusOf(s.load);
  }
  if (/\b__k6_http(?:_batch|\.batch)\b/.test(bundled.code)) {
    // http.batch sends in parallel: k6 opens up to batchPerHost (6) connections per host and VU.
    const perVu = Math.min(typeof options.batchPerHost === 'number' && options.batchPerHost > 0 ? options.batchPerHost : 6, typeof options.batch === 'number' && options.batch > 0 ? options.batch : 20);
    model.http.connections ??= Math.max(...model.scenarios.map((s) => maxVusOf(s.load))) * perVu;
  }
  model.k6 = createHooks(script, k6Thresholds.compiled, model);
  return bundled.sources.length > 0 ? { ...model, sources: bundled.sources } : model;
}

function transformOrThrow(code: string, map: SourceMap, dir: string, file: string) {
  let transformed;
  try {
    transformed = transformBlockingCalls(code);
  } catch (err) {
    throw new UserError({ message: `cannot parse the bundled script: ${(err as Error).message}`, location: { file, line: 1, column: 1 }, hint: 'runner parses what esbuild wrote; please report this script' });
  }
  if (transformed.problems.length === 0) return transformed;
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) lineStarts.push(i + 1);
  throw new UserError(
    transformed.problems.map((p) => {
      let line = 0;
      while (line + 1 < lineStarts.length && lineStarts[line + 1] <= p.offset) line++;
      return { message: p.message, location: locateInBundle(map, line, p.offset - lineStarts[line], dir) ?? { file, line: 1, column: 1 }, hint: p.hint };
    }),
  );
}

/** Where `options` is written in the script, for diagnostics about it. */
function locateOptions(source: string, file: string): Location | undefined {
  const i = source.search(/\bexport\s+(?:const|let|var)\s+options\b/);
  if (i < 0) return undefined;
  const before = source.slice(0, i);
  const line = before.split('\n').length;
  const column = i - before.lastIndexOf('\n');
  return { file, line, column, lineText: source.split(/\r?\n/)[line - 1] };
}

function createHooks(script: K6Script, thresholds: ReturnType<typeof compileK6Thresholds>['compiled'], model: TestModel): K6Hooks {
  const maxVus = Math.max(...model.scenarios.map((s) => maxVusOf(s.load)));
  let abortedBecause: string | undefined;
  let watch: NodeJS.Timeout | undefined;
  let abortedBy: { t: (typeof thresholds)[number]; value: number } | undefined;
  const drain = createK6Drain(script.run);
  /** performance.now() when the measured run started (after a warm-up or a wait for --start-at). */
  let measuringSinceMs: number | undefined;
  return {
    attach(run) {
      script.run.startedAtMs = Date.now();
      script.run.counters = () => ({ completed: run.iterations.completed + run.iterations.failed, interrupted: run.iterations.aborted, activeVus: run.activeVus });
      script.run.abort = (why) => {
        abortedBecause ??= why;
        run.stop('aborted');
      };
      // abortOnFail of k6's own thresholds: checked once a second, as k6 does, after each one's delayAbortEval.
      const watched = thresholds.filter((t) => t.abortOnFail);
      if (watched.length === 0) return;
      watch = setInterval(() => {
        if (measuringSinceMs === undefined) return;
        const elapsedMs = performance.now() - measuringSinceMs;
        for (const t of watched) {
          if (elapsedMs < t.delayAbortEvalMs) continue;
          const value = thresholdValue(t, elapsedMs);
          if (value === null || passes(value, t.op, t.bound)) continue;
          abortedBy = { t, value };
          clearInterval(watch);
          run.stop('aborted');
          return;
        }
      }, 1000);
      watch.unref();
    },
    attachThread(run, aborted) {
      script.run.startedAtMs = Date.now();
      script.run.counters = () => ({ completed: run.iterations.completed + run.iterations.failed, interrupted: run.iterations.aborted, activeVus: run.activeVus });
      let told = false;
      script.run.abort = (why) => {
        if (!told) aborted(why);
        told = true;
        run.stop('aborted');
      };
    },
    drain,
    measuring() {
      measuringSinceMs = performance.now();
      script.run.startedAtMs = Date.now();
      // A warm-up ran the script unrecorded by runner: it must not count in the k6 numbers either.
      drain();
    },
    absorb: (delta) => absorbK6Delta(script.run, delta),
    abortedInThread: (reason) => script.run.abort(reason),
    async finish(result: RunResult, cwd: string): Promise<K6Finish> {
      clearInterval(watch);
      const out: K6Finish = { replacesSummary: false, warnings: abortedBecause === undefined ? [] : [`the script called test.abort(): ${abortedBecause}`] };
      if (thresholds.length > 0) {
        result.thresholds ??= {};
        for (const t of thresholds) {
          const value = abortedBy?.t === t ? abortedBy.value : thresholdValue(t, result.durationMs);
          const ok = abortedBy?.t !== t && value !== null && passes(value, t.op, t.bound);
          const entry: ThresholdOutcome = { expression: t.expression, ok, value: value === null ? null : Math.round(value * 1000) / 1000 };
          if (t.abortOnFail) entry.abortOnFail = true;
          if (abortedBy?.t === t) entry.abortedRun = true;
          (result.thresholds[t.key] ??= []).push(entry);
          if (value === null) result.warnings.push(`threshold ${t.key} ${t.expression}: no data (the metric has no samples), so it failed`);
        }
      }
      result.k6 = resultSection(script.run, result, thresholds);
      if (!script.exportNames.has('handleSummary')) return out;
      try {
        const inst = instantiate(script, undefined, 0, undefined);
        const fn = inst.inst.exports.handleSummary as (data: unknown) => unknown;
        const returned = (await fn(summaryData(script.run, result, maxVus))) as Record<string, unknown> | undefined;
        out.replacesSummary = true;
        for (const [key, content] of Object.entries(returned ?? {})) {
          const text = typeof content === 'string' ? content : content instanceof ArrayBuffer ? Buffer.from(content) : JSON.stringify(content);
          if (key === 'stdout') out.stdout = String(text);
          else if (key === 'stderr') out.stderr = String(text);
          else {
            try {
              await writeFile(resolve(cwd, key), text);
            } catch (err) {
              out.warnings.push(`handleSummary: could not write ${key} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
            }
          }
        }
      } catch (err) {
        // k6 then prints its own summary: so does runner.
        out.replacesSummary = false;
        const where = script.locateError(err);
        out.warnings.push(`handleSummary() threw: ${err instanceof Error ? err.message : String(err)}${where ? ` (${where.file}:${where.line}:${where.column})` : ''}; runner's summary is shown instead`);
      }
      return out;
    },
  };
}
