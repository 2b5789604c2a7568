// The latency benchmark's target: node:http answering {"ok":true} after `delayMs` (argv[3], default 10), timing
// its own service (request head parsed → response end) into an HdrHistogram: the truth each client's latency is
// compared with. GET /__stats answers {count, p50Us, p99Us}; GET /__reset?afterMs=N clears the stats N ms later.
// Plain JS, started without tsx; argv[2] is the port on 127.0.0.1.
import { createServer } from 'node:http';
import { build } from 'hdr-histogram-js';

const delayMs = Number(process.argv[3] ?? 10);
const body = Buffer.from('{"ok":true}');
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };
const hist = build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
const server = createServer((req, res) => {
  const startedAt = performance.now();
  if (req.url.startsWith('/__stats')) {
    res.end(JSON.stringify({ count: hist.totalCount, p50Us: hist.getValueAtPercentile(50), p99Us: hist.getValueAtPercentile(99) }));
    return;
  }
  if (req.url.startsWith('/__reset')) {
    const afterMs = Number(new URL(req.url, 'http://x').searchParams.get('afterMs') ?? 0);
    setTimeout(() => hist.reset(), afterMs);
    res.end('{}');
    return;
  }
  req.resume();
  req.once('end', () => {
    setTimeout(() => {
      res.writeHead(200, headers);
      res.end(body);
      hist.recordValue(Math.max(1, Math.round((performance.now() - startedAt) * 1000)));
    }, delayMs);
  });
});
server.keepAliveTimeout = 75_000;
server.maxRequestsPerSocket = 0;
server.listen(Number(process.argv[2]), '127.0.0.1');
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
