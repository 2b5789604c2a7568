// `console` inside a k6 script: one line per call on stderr, as k6 logs (`INFO[0003] text source=console`),
// so the summary and a handleSummary stdout stay clean. console.debug is dropped (k6 shows it only with -v).

export type K6Console = Record<'log' | 'info' | 'warn' | 'error' | 'debug' | 'trace', (...args: unknown[]) => void>;

function text(args: unknown[]): string {
  return args
    .map((a) => {
      if (typeof a === 'string') return a;
      if (a instanceof Error) return a.message;
      if (a !== null && typeof a === 'object') {
        try {
          return JSON.stringify(a);
        } catch {
          return String(a);
        }
      }
      return String(a);
    })
    .join(' ');
}

export function createK6Console(write: (line: string) => void, now: () => number): K6Console {
  const startedMs = now();
  const at = (level: string) => (...args: unknown[]) => {
    const seconds = String(Math.floor((now() - startedMs) / 1000)).padStart(4, '0');
    write(`${level}[${seconds}] ${text(args)} source=console\n`);
  };
  return { log: at('INFO'), info: at('INFO'), warn: at('WARN'), error: at('ERRO'), trace: at('INFO'), debug: () => undefined };
}
