// `--out prometheus=URL`: live metrics to a Prometheus remote-write receiver, one batch a second.
// Each second the run closes (metrics/seconds.ts, where every request was recorded once) becomes one batch
// (PrometheusAggregate), stamped with the end of that second, handed to the sender, which never makes the run
// wait. The run hands out its last, partial second before stop(): that batch carries the final totals.
import { UserError } from '../../errors.ts';
import type { SecondView } from '../../metrics/seconds.ts';
import type { Plan } from '../../plan/types.ts';
import type { OutputKind } from '../types.ts';
import { PrometheusAggregate, type RequestInfo, type RunCounters } from './aggregate.ts';
import { runLabels } from './labels.ts';
import { createWriteRequestEncoder } from './remote-write.ts';
import { createSender, type SenderOptions, type SenderStats } from './sender.ts';

export interface PrometheusOutputOptions extends SenderOptions {
  url: string;
  requests: readonly RequestInfo[];
  /** --tag labels (testid among them when the user set it). */
  tags: Record<string, string>;
  seed: number;
  /** Scenario of requests named during the run; '' when unknown. */
  lateScenario: string;
  /** How long the end of the run may wait for the last batches, ms. */
  closeWaitMs?: number;
}

export interface PrometheusOutput {
  /** The run begins at `startEpochMs` (wall clock); `run` gives the iteration and check counters. */
  start(startEpochMs: number, run: RunCounters): void;
  /** One closed second of the run: one batch. */
  second(view: SecondView): void;
  named(requestId: number, name: string): void;
  /** Waits a little for the queue; a sentence when batches were lost. */
  close(): Promise<{ stats: SenderStats; warning?: string }>;
}

export function createPrometheusOutput(opts: PrometheusOutputOptions): PrometheusOutput {
  const aggregate = new PrometheusAggregate(opts.requests, opts.lateScenario);
  const encoder = createWriteRequestEncoder();
  const target = splitCredentials(opts.url);
  const sender = createSender(target.url, { ...opts, authorization: target.authorization });
  let run: RunCounters | null = null;
  let startEpochMs = Date.now();
  let labels = runLabels(opts.tags, new Date(startEpochMs), opts.seed);
  let lastMs = 0;
  let closed: Promise<{ stats: SenderStats; warning?: string }> | null = null;

  return {
    start(epochMs, source) {
      run = source;
      startEpochMs = epochMs;
      labels = runLabels(opts.tags, new Date(epochMs), opts.seed);
    },
    second(v) {
      if (closed) return;
      // Two batches at one millisecond would give a series two samples at one time: the second is refused.
      const at = Math.max(Math.round(startEpochMs + v.endMs), lastMs + 1);
      lastMs = at;
      sender.push(encoder.encode(aggregate.second(v, at, run, labels)));
    },
    named: (id, name) => aggregate.named(id, name),
    close() {
      closed ??= (async () => {
        const stats = await sender.close(opts.closeWaitMs ?? 2000);
        const total = stats.sent + stats.dropped;
        const warning =
          stats.dropped > 0
            ? `--out prometheus=${target.url}: ${stats.dropped} of ${total} batches dropped (first: ${stats.firstDropReason}); the run went on, and the last batch that arrived has the totals up to its second`
            : undefined;
        return { stats, warning };
      })();
      return closed;
    },
  };
}

/** A URL's user:password becomes a Basic authorization header, and leaves the URL that warnings print. */
export function splitCredentials(raw: string): { url: string; authorization?: string } {
  const u = new URL(raw);
  if (u.username === '' && u.password === '') return { url: raw };
  const authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
  u.username = '';
  u.password = '';
  return { url: u.href, authorization };
}

/** A remote-write URL: http or https with a host, e.g. http://localhost:9090/api/v1/write. */
function checkRemoteWriteUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new UserError({ message: `--out prometheus= takes the receiver's URL, e.g. prometheus=http://localhost:9090/api/v1/write, got '${value}'` });
  }
  return value;
}

/** Scenario and method of each request id the plan knows; code scenarios name theirs during the run. */
function requestInfos(plan: Plan): { requests: RequestInfo[]; lateScenario: string } {
  const only = plan.scenarios.length === 1 ? plan.scenarios[0].name : '';
  const requests: RequestInfo[] = plan.requestNames.map((name) => ({ name, scenario: only, method: '' }));
  for (const s of plan.scenarios) for (const step of s.steps ?? []) requests[step.id] = { name: plan.requestNames[step.id], scenario: s.name, method: step.method };
  return { requests, lateScenario: only };
}

/** `--out prometheus=<url>` (with `--tag k=v` labels). */
export const prometheusOutput: OutputKind = {
  target: 'url',
  example: 'http://localhost:9090/api/v1/write',
  checkTarget: checkRemoteWriteUrl,
  create(ctx) {
    const out = createPrometheusOutput({ url: ctx.target, tags: { ...ctx.tags }, seed: ctx.plan.seed, ...requestInfos(ctx.plan) });
    return {
      second: out.second,
      named: out.named,
      start: (at) => out.start(at.startEpochMs, at.run),
      stop: async () => {
        const { warning } = await out.close();
        if (warning !== undefined) ctx.warn(warning);
      },
    };
  },
};
