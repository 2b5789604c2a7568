// Compiles a ws step of a request list once: URL, headers, room and message templates into render functions,
// match rules and capture paths into their runtime shapes. `{{$msgId}}` gets a slot of its own.
import { UserError, type Location } from '../errors.ts';
import { parseJsonPath, type PathSegment } from '../scenario/json-path.ts';
import type { HeaderSpec } from '../scenario/model.ts';
import type { WsStepSpec } from '../scenario/ws-model.ts';
import { compileTemplate } from '../template/compile.ts';
import { MSG_ID, parseTemplate } from '../template/parse.ts';
import type { EscapeMode, RenderFn, ResolvePlaceholder } from '../template/types.ts';
import type { IdLocator, MessageMatch } from './message.ts';

export type CompiledWsAction =
  | { kind: 'send'; body: RenderFn; tracked: boolean; count: number; everyMs: number }
  | { kind: 'wait'; match: MessageMatch; timeoutMs: number; captures: { slot: number; segments: PathSegment[] }[]; check: string }
  | { kind: 'hold'; ms: number }
  | { kind: 'drain'; timeoutMs: number; check: string }
  | { kind: 'close'; code: number; reason: string };

export interface CompiledWsStep {
  name: string;
  /** Renders the whole `ws://…` URL. */
  url: RenderFn;
  headers: { name: string; render: RenderFn }[];
  connectTimeoutMs: number;
  track?: { id: IdLocator; room?: RenderFn; graceMs: number };
  actions: CompiledWsAction[];
  keepOpen: boolean;
  /** Slot `{{$msgId}}` renders from; -1 when no message uses it. */
  msgIdSlot: number;
}

export interface WsCompileEnv {
  target?: string;
  timeoutMs: number;
  /** The scenario's default headers. */
  headers: HeaderSpec[];
  /** Slot names of the scenario (fields, captures so far); ws captures and `$msgId` are added. */
  slots: string[];
  resolve: ResolvePlaceholder;
  file: string;
}

export function compileWsStep(spec: WsStepSpec, env: WsCompileEnv): CompiledWsStep {
  const fallback: Location = spec.urlLocation ?? spec.location ?? { file: env.file, line: 1, column: 1 };
  const render = (text: string, mode: EscapeMode, at: Location | undefined): RenderFn => compileTemplate(parseTemplate(text, at ?? fallback), mode, env.resolve);
  const { origin, pathText } = splitWsUrl(spec.url, env.target, fallback);
  const pathRender = render(pathText, 'url', undefined);
  const url: RenderFn = pathRender.constant !== undefined ? Object.assign(() => origin + pathRender.constant, { constant: origin + pathRender.constant }) : (vars) => origin + pathRender(vars);
  const own = new Set(spec.headers.map((h) => h.name.toLowerCase()));
  // WebSocket handshakes carry no body: the scenario's content-type default means nothing here.
  const merged = [...env.headers.filter((h) => !own.has(h.name.toLowerCase()) && h.name.toLowerCase() !== 'content-type'), ...spec.headers];
  const headers = merged.map((h) => ({ name: h.name.toLowerCase(), render: render(h.value, 'header', h.location) }));
  const track = spec.track
    ? {
        id: 'json' in spec.track.id ? ({ kind: 'json', segments: parseJsonPath(spec.track.id.json) ?? [] } as const) : ({ kind: 'pattern', regex: new RegExp(spec.track.id.pattern) } as const),
        room: spec.track.room === undefined ? undefined : render(spec.track.room, 'text', spec.location),
        graceMs: spec.track.graceMs,
      }
    : undefined;
  let msgIdSlot = -1;
  const slotOf = (name: string): number => {
    let i = env.slots.indexOf(name);
    if (i < 0) i = env.slots.push(name) - 1;
    return i;
  };
  const actions: CompiledWsAction[] = [];
  for (const a of spec.actions) {
    switch (a.kind) {
      case 'send': {
        const t = parseTemplate(a.body.text, a.body.location ?? a.location ?? fallback);
        const tracked = t.parts.some((p) => p.kind === 'placeholder' && p.name === MSG_ID && !p.env);
        if (tracked && msgIdSlot < 0) msgIdSlot = slotOf(MSG_ID);
        actions.push({ kind: 'send', body: compileTemplate(t, a.body.format, env.resolve), tracked, count: a.count, everyMs: a.everyMs });
        break;
      }
      case 'wait': {
        const match: MessageMatch =
          a.json !== undefined ? { kind: 'json', segments: parseJsonPath(a.json) ?? [], equals: a.equals } : a.contains !== undefined ? { kind: 'contains', text: a.contains } : { kind: 'any' };
        // Captured values exist for the steps and requests after this one.
        const captures = a.captures.map((c) => ({ slot: slotOf(c.name), segments: parseJsonPath(c.path) ?? [] }));
        actions.push({ kind: 'wait', match, timeoutMs: a.timeoutMs, captures, check: a.check });
        break;
      }
      default:
        actions.push(a);
    }
  }
  return { name: spec.name, url, headers, connectTimeoutMs: spec.connectTimeoutMs ?? env.timeoutMs, track, actions, keepOpen: spec.keepOpen, msgIdSlot };
}

/** `ws(s)://host/path` or a path against the http(s) target: a literal origin and a path template. */
function splitWsUrl(url: string, target: string | undefined, at: Location): { origin: string; pathText: string } {
  const absolute = /^(wss?:\/\/[^/{}?]+)([/?].*)?$/.exec(url);
  if (absolute) return { origin: absolute[1], pathText: absolute[2] ?? '/' };
  if (/^wss?:\/\//.test(url)) {
    throw new UserError({ message: `the host part of '${url}' cannot hold a placeholder`, location: at, hint: 'keep scheme, host and port literal' });
  }
  if (!target) {
    throw new UserError({ message: `no target for the WebSocket path '${url}'`, location: at, hint: "add 'target: http://host:port' (http becomes ws, https wss), pass --target, or write a ws:// URL" });
  }
  const base = new URL(target);
  const origin = `${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}`;
  return { origin, pathText: base.pathname.replace(/\/$/, '') + url };
}
