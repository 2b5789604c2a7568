// Fallback benchmark target when nginx is not installed: node:http answering every request with {"ok":true}.
// Plain JS so that it starts without tsx; argv[2] is the port on 127.0.0.1.
import { createServer } from 'node:http';

const body = Buffer.from('{"ok":true}');
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };
const server = createServer((req, res) => {
  req.resume();
  req.once('end', () => {
    res.writeHead(200, headers);
    res.end(body);
  });
});
server.keepAliveTimeout = 75_000;
server.maxRequestsPerSocket = 0;
server.listen(Number(process.argv[2]), '127.0.0.1');
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
