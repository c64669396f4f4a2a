/**
 * The ceiling of this design: a bare `node:http` server, no framework, that answers
 *   GET /raw/<Keyv key>  with the body the app cached under that key (one Redis GET, the Keyv
 *                        envelope `{"value": {"body", "etag"}, "expires": <ms>}` parsed, the body
 *                        sent as is)
 *   GET /me              with a fixed small JSON (the baseline of getMe)
 *   GET /health/live     200 (start-up baseline)
 * Run as a child process of the bench, like the app: BARE_PORT, BARE_REDIS_URL.
 */
import http from 'node:http';
import { createClient } from 'redis';

const port = Number(process.env.BARE_PORT ?? 3100);
const redis = createClient({ url: process.env.BARE_REDIS_URL ?? 'redis://127.0.0.1:6379' });
redis.on('error', (error: Error) => console.error(`redis: ${error.message}`));
await redis.connect();

const JSON_TYPE = 'application/json; charset=utf-8';
const ME = JSON.stringify({
  id: '00000000-0000-4000-8000-000000000000',
  email: 'bench@example.test',
  name: 'Bench Buyer',
  role: 'customer',
  phone: null,
  defaultShippingAddress: null,
  createdAt: '2026-01-01T00:00:00.000Z',
});

function send(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  if (url.startsWith('/raw/')) {
    const key = decodeURIComponent(url.slice(5));
    redis.get(key).then(
      (raw) => {
        if (raw === null) return send(res, 404, '{"message":"no such key"}');
        send(res, 200, (JSON.parse(raw) as { value: { body: string } }).value.body);
      },
      (error: Error) => send(res, 500, JSON.stringify({ message: error.message })),
    );
    return;
  }
  if (url === '/me') return send(res, 200, ME);
  if (url === '/health/live') return send(res, 200, '{"status":"ok"}');
  send(res, 404, '{"message":"not found"}');
});
server.keepAliveTimeout = 72_000; // as Fastify's
server.listen(port, '127.0.0.1');

const stop = (): void => {
  server.close();
  server.closeAllConnections();
  void redis.close().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
