// The parts of undici runner's HTTP path uses, imported file by file. undici's package index also loads fetch,
// WebSocket, caches, mocks, proxies and (through its cookie code) Node's own bundled undici: ~110 modules where a
// run needs 25, which made it the largest item of start-up. Types are undici's own (undici-parts.d.ts). undici 7
// has no `exports` map, so these paths are reachable; check them again on an upgrade (test/http/undici.test.ts).
import Agent from 'undici/lib/dispatcher/agent.js';
import Client from 'undici/lib/dispatcher/client.js';
import Pool from 'undici/lib/dispatcher/pool.js';
import util from 'undici/lib/core/util.js';
import redirect from 'undici/lib/interceptor/redirect.js';

export { Agent, Client, Pool, util };
/** undici's `interceptors`, as far as runner uses them. */
export const interceptors = { redirect };
