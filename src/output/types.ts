// The one interface every output of `runner run` implements (the result file, NDJSON, the HDR log, the summary
// export, later Prometheus), and the descriptor that registers it under its `--out <kind>=` name.
// Modelled on k6's output/types.go: a small interface, everything else optional.
import type { SecondView } from '../metrics/seconds.ts';
import type { MetricsSink } from '../metrics/types.ts';
import type { Plan } from '../plan/types.ts';
import type { RunResult } from '../result/types.ts';

/** What an output is created with. */
export interface OutputContext {
  /** What followed `<kind>=`: an absolute, checked path for a file output; as given otherwise (a URL). */
  target: string;
  /** How the user named it, for messages: `--out ndjson=`, `--hdr-log`, `--out`. */
  flag: string;
  /** The run's plan, request names redacted; names learned at run time come through `MetricsSink.named`. */
  plan: Plan;
  /** `--tag name=value` labels. */
  tags: Readonly<Record<string, string>>;
  /** runner's version, for file headers. */
  version: string;
  /**
   * A write failed (a full disk, a dead endpoint): call once; the caller warns and the run goes on. The output
   * stops writing after it (it must never throw into the HTTP layer or stop the run).
   */
  onWriteError(err: NodeJS.ErrnoException): void;
  /** A sentence for the summary and the result's warnings (an output that lost data says how much). */
  warn(text: string): void;
}

/** What an output may read from the running run, e.g. once a second. */
export interface OutputRunSource {
  elapsedMs(): number;
  readonly activeVus: number;
  readonly iterations: { readonly started: number; readonly completed: number; readonly failed: number; readonly dropped: number };
  readonly checks: { toJSON(): Record<string, { passes: number; fails: number }> };
  /** WebSocket counters so far (opened, failed, open, sent, received, delivered, lost); undefined without WebSockets. */
  wsCounts?(): { opened: number; failed: number; open: number; sent: number; received: number; delivered: number; lost: number } | undefined;
}

/** When the run began: `startEpochMs` on the wall clock, `nowMs` a monotonic clock (ms); `run` to read counters from. */
export interface OutputStart {
  startEpochMs: number;
  nowMs: () => number;
  run: OutputRunSource;
}

/** One output of a run. Every member is optional: an output implements what it needs. */
export interface Output {
  /**
   * Gets every finished request, on the hot path (see MetricsSink): only for an output that needs each request
   * (NDJSON). Aggregates come cheaper from `second`: the run has already recorded each request once.
   */
  readonly sink?: MetricsSink;
  /** Each closed second of the run, in order, gaps included, off the hot path; the view is valid during the call. */
  second?(view: SecondView): void;
  /** A request id named during the run (code scenarios), before its first sample; redacted like the plan's names. */
  named?(requestId: number, name: string): void;
  /** The run begins: start timers, write headers. */
  start?(run: OutputStart): void;
  /**
   * The samples are over (before the summary is printed): write what is pending, stop timers, close. Safe twice.
   * A network output may return a promise for what it still sends; the run waits for it (the output bounds it).
   */
  stop?(): void | Promise<void>;
  /**
   * Whole lines of this output's kind made on a worker thread (--workers), to append as they are. An output
   * that has it is fed by the threads; its `sink` then gets nothing.
   */
  appendLines?(bytes: Uint8Array): void;
  /** The run's final result (thresholds evaluated, secrets redacted): write it. Rejects when it could not. */
  writeResult?(result: RunResult): Promise<void>;
}

/** An entry of the output table: how `--out <kind>=<target>` is checked and created. */
export interface OutputKind {
  /** 'file': the target is a path, checked before the run like every output file; 'url': anything else. */
  target: 'file' | 'url';
  /** A target to show in hints: `samples.ndjson`. */
  example: string;
  /**
   * Checks a 'url' target before the run; throws a UserError saying what it takes. Returns it as it will be used.
   */
  checkTarget?(target: string): string;
  /**
   * True for the result file: when its writeResult fails, the run's numbers are lost (exit 2). Other outputs
   * that fail to write the result add a warning.
   */
  essential?: boolean;
  create(ctx: OutputContext): Output;
}
