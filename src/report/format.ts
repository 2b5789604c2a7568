// Small number formatters shared by the text and HTML reports, and the latency columns they all show.
import type { LatencySummary } from '../result/types.ts';

/** `850ms`, `12.3s`, `1m02.3s`, `1h02m03s`. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  // Round once, to tenths of a second, so 59.96 s does not print as "60.0s" next to "1m00.0s".
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)}s`;
  if (tenths < 36_000) {
    const minutes = Math.floor(tenths / 600);
    return `${minutes}m${((tenths - minutes * 600) / 10).toFixed(1).padStart(4, '0')}s`;
  }
  const totalSec = Math.round(ms / 1000);
  const hours = Math.floor(totalSec / 3600);
  const minutes = Math.floor((totalSec % 3600) / 60);
  return `${hours}h${String(minutes).padStart(2, '0')}m${String(totalSec % 60).padStart(2, '0')}s`;
}

const byteUnits = ['KiB', 'MiB', 'GiB', 'TiB'];

/** `512 B`, `1.2 KiB`, `3.4 MiB` (powers of 1024). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < byteUnits.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${byteUnits[unit]}`;
}

/** `12,345` or, with decimals, `12,345.6`. Locale-independent so output is the same everywhere. */
export function formatNumber(n: number, decimals = 0): string {
  const [int, frac] = Math.abs(n).toFixed(decimals).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 ? '-' : ''}${grouped}${frac === undefined ? '' : `.${frac}`}`;
}

/** A latency in ms with precision that suits its size: `0.412`, `4.12`, `41.2`, `4,120`. */
export function formatLatencyMs(ms: number): string {
  if (ms < 1) return ms.toFixed(3);
  if (ms < 10) return ms.toFixed(2);
  if (ms < 1000) return ms.toFixed(1);
  return formatNumber(ms);
}

/** The latency statistics every table shows, in order: column label and LatencySummary field. */
export const latencyStats: readonly (readonly [string, keyof LatencySummary])[] = [
  ['min', 'min'],
  ['mean', 'mean'],
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p95', 'p95'],
  ['p99', 'p99'],
  ['p99.9', 'p999'],
  ['max', 'max'],
];

