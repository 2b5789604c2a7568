// A request list with WebSocket steps: the HTTP requests between ws steps run as ordinary request flows, each
// ws step runs here (connect, its steps in order, close). Only scenarios with ws steps are built this way.
import type { Checks } from '../flow/checks.ts';
import type { IterationOutcome } from '../flow/request-flow.ts';
import type { Rng } from '../generators/types.ts';
import type { CompiledRequest } from '../plan/types.ts';
import type { Vu } from '../scheduler/vu.ts';
import type { CompiledWsStep } from './compile.ts';
import type { WsHub } from './hub.ts';
import { WsSession } from './session.ts';

type SegmentFn = (vu: Vu, rng: Rng, intendedStartMs: number | undefined) => Promise<IterationOutcome>;

export interface WsFlowEnv {
  /** The run's hub, created on first use. */
  hub(): WsHub;
  checks: Checks;
  /** Builds the flow of a run of consecutive HTTP requests. */
  requestFlow(steps: CompiledRequest[]): SegmentFn;
}

interface PreparedWs {
  step: CompiledWsStep;
  connectedCheck: number;
  /** Check id per action (waits and drains), -1 for the others. */
  actionChecks: number[];
}

type Part = { http: SegmentFn } | { ws: PreparedWs };

export function createWsFlow(steps: CompiledRequest[], ws: { before: number; step: CompiledWsStep }[], env: WsFlowEnv) {
  const parts: Part[] = [];
  let from = 0;
  const addHttp = (to: number) => {
    if (to > from) parts.push({ http: env.requestFlow(steps.slice(from, to)) });
    from = to;
  };
  for (const w of ws) {
    addHttp(w.before);
    parts.push({
      ws: {
        step: w.step,
        connectedCheck: env.checks.id(`${w.step.name}: connected`),
        actionChecks: w.step.actions.map((a) => (a.kind === 'wait' || a.kind === 'drain' ? env.checks.id(a.check) : -1)),
      },
    });
  }
  addHttp(steps.length);

  return async function iterate(vu: Vu, rng: Rng, intendedStartMs: number | undefined): Promise<IterationOutcome> {
    let intended = intendedStartMs;
    const held: WsSession[] = [];
    try {
      for (const part of parts) {
        if (vu.interrupted) return 'aborted';
        const outcome = 'http' in part ? await part.http(vu, rng, intended) : await runWsStep(part.ws, vu, env, held);
        intended = undefined;
        if (outcome !== 'completed') return outcome;
      }
      return vu.interrupted ? 'aborted' : 'completed';
    } finally {
      // `hold: iteration`: open until here.
      if (held.length > 0) await Promise.all(held.map((s) => s.close(1000, '')));
    }
  };
}

async function runWsStep(p: PreparedWs, vu: Vu, env: WsFlowEnv, held: WsSession[]): Promise<IterationOutcome> {
  const { step } = p;
  const hub = env.hub();
  const vars = vu.vars;
  const headers: Record<string, string> = {};
  for (const h of step.headers) headers[h.name] = h.render(vars);
  const session = new WsSession(hub, {
    url: step.url(vars),
    headers,
    connectTimeoutMs: step.connectTimeoutMs,
    track: step.track && { id: step.track.id, room: step.track.room?.(vars), graceMs: step.track.graceMs },
  });
  vu.current = { abort: () => session.interrupt() };
  try {
    const opened = await session.open();
    if (!opened && (hub.stopped || vu.interrupted)) return 'aborted';
    env.checks.record(p.connectedCheck, opened);
    if (!opened) return 'failed';
    let outcome = await runActions(p, session, vu, env, hub);
    if (outcome === 'completed' && session.closedByServer) outcome = 'failed';
    if (outcome === 'completed' && step.keepOpen && session.isOpen) held.push(session);
    else await session.close(1000, '');
    return outcome;
  } finally {
    vu.current = null;
  }
}

async function runActions(p: PreparedWs, session: WsSession, vu: Vu, env: WsFlowEnv, hub: WsHub): Promise<IterationOutcome> {
  const vars = vu.vars;
  const actions = p.step.actions;
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i];
    if (session.interrupted || vu.interrupted) return 'aborted';
    switch (a.kind) {
      case 'send': {
        session.sending(1);
        const startMs = hub.now();
        for (let n = 0; n < a.count && session.isOpen; n++) {
          let id: string | undefined;
          if (a.tracked) vars[p.step.msgIdSlot] = id = hub.tracker.nextId();
          session.send(a.body(vars), id);
          // Sends keep to the schedule from the step's start: a late timer does not push every later send back.
          if (a.everyMs > 0 && n < a.count - 1) await session.hold(startMs + (n + 1) * a.everyMs - hub.now());
        }
        session.sending(-1);
        if (!session.isOpen) return session.interrupted ? 'aborted' : 'failed';
        break;
      }
      case 'wait': {
        const m = await session.next(a.match, a.timeoutMs);
        if (m === undefined && session.interrupted) return 'aborted';
        env.checks.record(p.actionChecks[i], m !== undefined);
        if (m === undefined) return 'failed';
        for (const c of a.captures) {
          const v = m.select(c.segments);
          if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) vars[c.slot] = v;
        }
        break;
      }
      case 'hold':
        await session.hold(a.ms);
        break;
      case 'drain': {
        const ok = await session.drain(a.timeoutMs);
        if (!ok && session.interrupted) return 'aborted';
        env.checks.record(p.actionChecks[i], ok);
        if (!ok) return 'failed';
        break;
      }
      case 'close':
        await session.close(a.code, a.reason);
        break;
    }
  }
  return session.interrupted ? 'aborted' : 'completed';
}
