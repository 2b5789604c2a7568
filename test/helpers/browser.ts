// Headless Chromium driven over the DevTools protocol (undici's WebSocket, no extra package): load a page at a
// given viewport, collect console errors and exceptions, evaluate expressions, take full-page screenshots.
// Chromium listens on a loopback port of its own choosing; it is stopped by its PID.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'undici';

export function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return undefined;
}

export interface LoadedPage {
  /** Console messages of level error and uncaught exceptions, as text. */
  errors: string[];
  /** URLs the page requested other than the page itself (a self-contained page requests none). */
  requests: string[];
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG of the whole page (not only the viewport). */
  screenshot(): Promise<Buffer>;
  close(): Promise<void>;
}

export interface Browser {
  open(url: string, viewport: { width: number; height: number }): Promise<LoadedPage>;
  close(): Promise<void>;
}

type Message = { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { message: string }; sessionId?: string };

export async function launchBrowser(executable: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'runner-cdp-'));
  const child: ChildProcess = spawn(
    executable,
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--hide-scrollbars', `--user-data-dir=${profile}`, '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const wsUrl = await new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`chromium did not start:\n${err.slice(-2000)}`)), 30_000);
    child.stderr?.on('data', (d) => {
      err += d;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', () => reject(new Error(`chromium exited:\n${err.slice(-2000)}`)));
  });
  const ws = new WebSocket(wsUrl);
  await new Promise<void>((res, rej) => {
    ws.addEventListener('open', () => res());
    ws.addEventListener('error', () => rej(new Error('cannot connect to chromium')));
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(m: Message) => void>();
  ws.addEventListener('message', (ev) => {
    const msg = JSON.parse(String(ev.data)) as Message;
    if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(msg.error.message));
      else p?.resolve(msg.result ?? {});
    } else for (const l of listeners) l(msg);
  });
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });

  return {
    async open(url, viewport) {
      const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
      const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
      const errors: string[] = [];
      const requests: string[] = [];
      let loaded: () => void = () => {};
      const load = new Promise<void>((res) => (loaded = res));
      const listener = (m: Message): void => {
        if (m.sessionId !== sessionId) return;
        const p = m.params ?? {};
        if (m.method === 'Runtime.exceptionThrown') errors.push(`exception: ${JSON.stringify((p.exceptionDetails as { exception?: { description?: string } })?.exception?.description ?? p.exceptionDetails)}`);
        if (m.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert')) errors.push(`console.${p.type}: ${JSON.stringify(p.args)}`);
        if (m.method === 'Log.entryAdded') {
          const e = p.entry as { level: string; text: string; url?: string };
          if (e.level === 'error') errors.push(`log: ${e.text} ${e.url ?? ''}`);
        }
        if (m.method === 'Network.requestWillBeSent') {
          const u = (p.request as { url: string }).url;
          if (u !== url) requests.push(u);
        }
        if (m.method === 'Page.loadEventFired') loaded();
      };
      listeners.add(listener);
      await send('Runtime.enable', {}, sessionId);
      await send('Log.enable', {}, sessionId);
      await send('Page.enable', {}, sessionId);
      await send('Network.enable', {}, sessionId);
      await send('Emulation.setDeviceMetricsOverride', { width: viewport.width, height: viewport.height, deviceScaleFactor: 1, mobile: false }, sessionId);
      await send('Page.navigate', { url }, sessionId);
      await load;
      return {
        errors,
        requests,
        async evaluate<T>(expression: string): Promise<T> {
          const r = (await send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)) as { result: { value: T }; exceptionDetails?: unknown };
          if (r.exceptionDetails) throw new Error(`evaluate ${expression}: ${JSON.stringify(r.exceptionDetails)}`);
          return r.result.value;
        },
        async screenshot() {
          const metrics = (await send('Page.getLayoutMetrics', {}, sessionId)) as { cssContentSize: { width: number; height: number } };
          const { width, height } = metrics.cssContentSize;
          const r = (await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true, clip: { x: 0, y: 0, width, height: Math.min(height, 16_000), scale: 1 } }, sessionId)) as { data: string };
          return Buffer.from(r.data, 'base64');
        },
        async close() {
          listeners.delete(listener);
          await send('Target.closeTarget', { targetId });
        },
      };
    },
    async close() {
      ws.close();
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid as number, 'SIGTERM');
        const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid as number, 'SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      // Chromium's helper processes (crashpad, zygote) can still write the profile for a moment after the
      // browser exits: retry, and never fail a test over a temp folder.
      try {
        rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      } catch {
        // left in the temp dir
      }
    },
  };
}
