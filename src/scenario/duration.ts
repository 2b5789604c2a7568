// Parses the duration and rate strings users write: `500ms`, `5s`, `1m30s`, `1h`; `100`, `500/1m`.

const unitMs: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `1m30s` → 90000 (milliseconds); undefined when the text is not a duration. Negative is not a duration. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  let total = 0;
  let i = 0;
  let matched = false;
  while (i < s.length) {
    const num = /^(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)/.exec(s.slice(i));
    if (!num) return undefined;
    total += Number(num[1]) * unitMs[num[2]];
    i += num[0].length;
    matched = true;
  }
  return matched && Number.isFinite(total) ? total : undefined;
}

/** `500` → 500 per second; `500/1m` → 500 per minute. undefined when malformed or not positive. */
export function parseRate(text: string): { rate: number; timeUnitMs: number } | undefined {
  const [countText, unitText, extra] = text.trim().split('/');
  if (extra !== undefined || !/^\d+(\.\d+)?$/.test(countText ?? '')) return undefined;
  const rate = Number(countText);
  const timeUnitMs = unitText === undefined ? 1000 : parseDuration(/^\d/.test(unitText) ? unitText : `1${unitText}`);
  if (!(rate > 0) || timeUnitMs === undefined || !(timeUnitMs > 0)) return undefined;
  return { rate, timeUnitMs };
}

/** `10s:100,30s:100,10s:0` → stages. undefined when malformed. */
export function parseStages(text: string): { durationMs: number; target: number }[] | undefined {
  const stages = [];
  for (const item of text.split(',')) {
    const [d, t, extra] = item.trim().split(':');
    const durationMs = d === undefined ? undefined : parseDuration(d);
    if (extra !== undefined || durationMs === undefined || t === undefined || !/^\d+$/.test(t.trim())) return undefined;
    stages.push({ durationMs, target: Number(t) });
  }
  return stages.length > 0 ? stages : undefined;
}
