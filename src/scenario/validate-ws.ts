// Validates a `- ws: {…}` item of a request list into a WsStepSpec, every problem with its position.
import type { Checker, Path } from './checker.ts';
import { parseJsonPath } from './json-path.ts';
import { LIMITS } from './limits.ts';
import { NAME, checkHeaders } from './validate-request.ts';
import type { WsActionSpec, WsStepSpec, WsTrackSpec } from './ws-model.ts';

export const wsKeys = ['name', 'path', 'url', 'headers', 'timeout', 'track', 'steps'];
export const actionKinds = ['send', 'wait', 'hold', 'drain', 'close'];
const DEFAULT_WAIT_MS = 10_000;
const DEFAULT_GRACE_MS = 5_000;
/** Messages one send step may send: a typo like `count: 1e9` is refused instead of running for hours. */
const MAX_SEND_COUNT = 10_000_000;

/** Whether a request-list item is a WebSocket step. */
export function isWsItem(raw: unknown): raw is { ws: unknown } {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'ws' in raw;
}

export function checkWsStep(c: Checker, item: Record<string, unknown>, path: Path, index: number): WsStepSpec | undefined {
  c.onlyKeys(item, path, ['ws']);
  const at = [...path, 'ws'];
  const obj = c.object(item.ws, at, "a mapping like '{ path: /chat, steps: [...] }'");
  if (!obj) return undefined;
  c.onlyKeys(obj, at, wsKeys);
  const k = (key: string): Path => [...at, key];
  if (obj.path !== undefined && obj.url !== undefined) c.fail(k('url'), "give either 'path' or 'url', not both", 'they mean the same: keep one', true);
  const urlKey = obj.url !== undefined ? 'url' : 'path';
  const url = obj[urlKey] === undefined ? c.fail(at, "a ws step needs 'path' (or 'url')", "e.g. 'path: /chat?room={{room}}'") : c.string(obj[urlKey], k(urlKey));
  if (url !== undefined && !url.startsWith('/') && !/^wss?:\/\//.test(url)) {
    c.fail(k(urlKey), `'${url}' is neither a path starting with '/' nor a ws:// or wss:// URL`, "e.g. '/chat' (against target) or 'ws://127.0.0.1:8080/chat'");
  }
  const name = obj.name === undefined ? `WS ${url ?? index}` : c.string(obj.name, k('name'));
  const headers = obj.headers === undefined ? [] : checkHeaders(c, obj.headers, k('headers'));
  const connectTimeoutMs = obj.timeout === undefined ? undefined : c.duration(obj.timeout, k('timeout'), false, LIMITS.timeoutMs);
  const track = obj.track === undefined ? undefined : checkTrack(c, obj.track, k('track'));
  const steps = obj.steps === undefined ? [] : c.array(obj.steps, k('steps'));
  const actions: WsActionSpec[] = [];
  let keepOpen = false;
  let bad = steps === undefined || (obj.track !== undefined && track === undefined);
  (steps ?? []).forEach((raw, i) => {
    const sp = [...at, 'steps', i];
    const a = checkAction(c, raw, sp, name ?? 'ws');
    if (a === undefined) bad = true;
    else if (a === 'iteration') {
      if (i !== steps!.length - 1) c.fail(sp, "'hold: iteration' must be the last step", 'the connection then stays open until the iteration ends');
      keepOpen = true;
    } else {
      if (a.kind === 'send' && /\{\{\s*\$msgId\s*\}\}/.test(a.body.text) && track === undefined && obj.track === undefined) {
        c.fail(sp, "'{{$msgId}}' needs 'track' on this ws step", "add e.g. 'track: { id: $.id, room: \"{{room}}\" }': where receivers find the id");
        bad = true;
      }
      if (a.kind === 'drain' && obj.track === undefined) {
        c.fail(sp, "'drain' needs 'track' on this ws step", 'drain waits for tracked messages to be delivered');
        bad = true;
      }
      actions.push(a);
    }
  });
  if (bad || url === undefined || name === undefined) return undefined;
  return { name, url, headers, connectTimeoutMs, track, actions, keepOpen, location: c.locate(at), urlLocation: c.locate(k(urlKey)) };
}

function checkTrack(c: Checker, raw: unknown, path: Path): WsTrackSpec | undefined {
  const obj = c.object(raw, path, "a mapping like '{ id: $.id, room: \"{{room}}\" }'");
  if (!obj) return undefined;
  c.onlyKeys(obj, path, ['id', 'pattern', 'room', 'grace']);
  let id: WsTrackSpec['id'] | undefined;
  if (obj.id !== undefined && obj.pattern !== undefined) c.fail([...path, 'pattern'], "give either 'id' (a JSON path) or 'pattern', not both", undefined, true);
  else if (typeof obj.pattern === 'string') {
    try {
      new RegExp(obj.pattern);
      id = { pattern: obj.pattern };
    } catch (err) {
      c.fail([...path, 'pattern'], `'${obj.pattern}' is not a regular expression: ${(err as Error).message}`);
    }
  } else if (typeof obj.id === 'string' && parseJsonPath(obj.id)) id = { json: obj.id };
  else if (obj.id !== undefined) c.fail([...path, 'id'], `'${String(obj.id)}' is not a supported JSON path`, "use $.id, $.msg.id or $['odd key']");
  else c.fail(path, "'track' needs 'id' (a JSON path) or 'pattern'", "e.g. 'id: $.id'");
  const room = obj.room === undefined ? undefined : typeof obj.room === 'number' ? String(obj.room) : c.string(obj.room, [...path, 'room']);
  const graceMs = obj.grace === undefined ? DEFAULT_GRACE_MS : c.duration(obj.grace, [...path, 'grace'], false);
  if (id === undefined || graceMs === undefined || (obj.room !== undefined && room === undefined)) return undefined;
  return { id, room, graceMs };
}

/** One step: a mapping with exactly one of send/wait/hold/drain/close. 'iteration' is `hold: iteration`. */
function checkAction(c: Checker, raw: unknown, path: Path, wsName: string): WsActionSpec | 'iteration' | undefined {
  const obj = c.object(raw, path, "a step like '- send: {...}', '- wait: {...}', '- hold: 2s', '- drain: 10s' or '- close: 1000'");
  if (!obj) return undefined;
  c.onlyKeys(obj, path, actionKinds);
  const kinds = Object.keys(obj).filter((key) => actionKinds.includes(key));
  if (kinds.length !== 1) {
    if (kinds.length > 1) c.fail(path, `one step holds one of ${actionKinds.join(', ')}; this one has ${kinds.join(' and ')}`, 'write each as its own list item');
    else if (Object.keys(obj).length === 0) c.fail(path, 'empty step', `one of: ${actionKinds.join(', ')}`);
    return undefined;
  }
  const kind = kinds[0];
  const at = [...path, kind];
  const value = obj[kind];
  const location = c.locate(at, true);
  switch (kind) {
    case 'hold': {
      if (value === 'iteration') return 'iteration';
      const ms = c.duration(value, at);
      return ms === undefined ? undefined : { kind: 'hold', ms, location };
    }
    case 'drain': {
      const timeoutMs = c.duration(value, at, false, LIMITS.timeoutMs);
      return timeoutMs === undefined ? undefined : { kind: 'drain', timeoutMs, check: `${wsName}: delivered`, location };
    }
    case 'close': {
      if (typeof value === 'number' || value === null) {
        const code = value === null ? 1000 : c.int(value, at, 1000, 4999, 'a close code: 1000 (normal) or 3000–4999');
        return code === undefined ? undefined : { kind: 'close', code, reason: '', location };
      }
      const o = c.object(value, at, "a code like 'close: 1000' or '{ code: 4000, reason: bye }'");
      if (!o) return undefined;
      c.onlyKeys(o, at, ['code', 'reason']);
      const code = o.code === undefined ? 1000 : c.int(o.code, [...at, 'code'], 1000, 4999, 'a close code: 1000 (normal) or 3000–4999');
      const reason = o.reason === undefined ? '' : c.string(o.reason, [...at, 'reason']);
      return code === undefined || reason === undefined ? undefined : { kind: 'close', code, reason, location };
    }
    case 'send':
      return checkSend(c, value, at, location);
    default:
      return checkWait(c, value, at, wsName, location);
  }
}

function checkSend(c: Checker, raw: unknown, at: Path, location: WsActionSpec['location']): WsActionSpec | undefined {
  const o = c.object(raw, at, "a mapping like '{ json: { text: hi }, count: 20, every: 100ms }'");
  if (!o) return undefined;
  c.onlyKeys(o, at, ['text', 'json', 'count', 'every', 'rate', 'duration']);
  let body: { format: 'json' | 'text'; text: string; location?: WsActionSpec['location'] } | undefined;
  if (o.text !== undefined && o.json !== undefined) c.fail([...at, 'json'], "give either 'text' or 'json', not both", undefined, true);
  else if (o.text !== undefined) {
    const t = c.string(o.text, [...at, 'text']);
    if (t !== undefined) body = { format: 'text', text: t, location: c.locate([...at, 'text']) };
  } else if (o.json !== undefined) body = { format: 'json', text: JSON.stringify(o.json), location: c.locate([...at, 'json']) };
  else c.fail(at, "a send needs 'text' or 'json'", "e.g. 'json: { id: \"{{$msgId}}\", text: hello }'");
  if (o.every !== undefined && o.rate !== undefined) c.fail([...at, 'rate'], "give either 'every' or 'rate', not both", undefined, true);
  const everyMs =
    o.rate !== undefined ? ((r) => (r === undefined ? undefined : 1000 / r))(c.number(o.rate, [...at, 'rate'], false, 1_000_000)) : o.every === undefined ? 0 : c.duration(o.every, [...at, 'every']);
  if (o.count !== undefined && o.duration !== undefined) c.fail([...at, 'duration'], "give either 'count' or 'duration', not both", undefined, true);
  const durationMs = o.duration === undefined ? undefined : c.duration(o.duration, [...at, 'duration'], false);
  if (durationMs !== undefined && !(everyMs! > 0)) c.fail([...at, 'duration'], "'duration' needs 'every' or 'rate'", 'how often to send during it');
  const count = o.count === undefined ? 1 : c.int(o.count, [...at, 'count'], 1, MAX_SEND_COUNT);
  if (!body || everyMs === undefined || count === undefined || (o.duration !== undefined && durationMs === undefined)) return undefined;
  return { kind: 'send', body, count: durationMs !== undefined ? Math.max(1, Math.floor(durationMs / everyMs) + 1) : count, everyMs, durationMs, location };
}

function checkWait(c: Checker, raw: unknown, at: Path, wsName: string, location: WsActionSpec['location']): WsActionSpec | undefined {
  const o = c.object(raw, at, "a mapping like '{ json: $.type, equals: joined, timeout: 5s }'");
  if (!o) return undefined;
  c.onlyKeys(o, at, ['json', 'equals', 'contains', 'timeout', 'capture', 'name']);
  const json = o.json === undefined ? undefined : c.string(o.json, [...at, 'json']);
  if (json !== undefined && !parseJsonPath(json)) c.fail([...at, 'json'], `'${json}' is not a supported JSON path`, "use $.type, $.a.b or $.items[0].id");
  if (o.equals !== undefined && o.json === undefined) c.fail([...at, 'equals'], "'equals' needs 'json': the path whose value it compares", undefined, true);
  const equals = o.equals;
  if (equals !== undefined && equals !== null && typeof equals === 'object') c.fail([...at, 'equals'], "'equals' takes a string, number, boolean or null");
  if (o.contains !== undefined && o.json !== undefined) c.fail([...at, 'contains'], "give either 'json' or 'contains', not both", undefined, true);
  const contains = o.contains === undefined ? undefined : c.string(o.contains, [...at, 'contains']);
  const timeoutMs = o.timeout === undefined ? DEFAULT_WAIT_MS : c.duration(o.timeout, [...at, 'timeout'], false, LIMITS.timeoutMs);
  const captures: { name: string; path: string }[] = [];
  if (o.capture !== undefined) {
    const cap = c.object(o.capture, [...at, 'capture'], "a mapping like '{ members: $.members }'");
    for (const [name, p] of Object.entries(cap ?? {})) {
      if (!NAME.test(name)) c.fail([...at, 'capture', name], `capture name '${name}' is not usable in a placeholder`, 'use letters, digits and _', true);
      else if (typeof p !== 'string' || !parseJsonPath(p)) c.fail([...at, 'capture', name], `'${String(p)}' is not a supported JSON path`, "use $.key, $.a.b");
      else captures.push({ name, path: p });
    }
  }
  const described = json !== undefined ? (equals !== undefined ? `${json} = ${String(equals)}` : json) : contains !== undefined ? `contains '${contains}'` : 'any message';
  const check = o.name === undefined ? `${wsName}: wait ${described}` : c.string(o.name, [...at, 'name']);
  if (timeoutMs === undefined || check === undefined || (o.json !== undefined && (json === undefined || !parseJsonPath(json)))) return undefined;
  if (o.capture !== undefined && captures.length !== Object.keys(o.capture as object).length) return undefined;
  return { kind: 'wait', json, equals: equals as string | number | boolean | null | undefined, contains, timeoutMs, captures, check, location };
}
