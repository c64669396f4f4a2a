import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postWebhook } from './webhook-http.js';
import { guardedLookup } from './webhook-target-guard.js';

/** The guarded POST against real local servers: what is refused never reaches them. */
describe('postWebhook', () => {
  let server: Server;
  let port: number;
  const hits: string[] = [];
  let answer: (path: string, res: import('node:http').ServerResponse) => void = (_p, res) =>
    res.writeHead(204).end();

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      req.resume();
      req.on('end', () => answer(req.url ?? '', res));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  const post = (path: string, allowPrivate: boolean, timeoutMs = 2_000) =>
    postWebhook(
      `http://127.0.0.1:${port}${path}`,
      '{"a":1}',
      { 'webhook-id': 'msg_x' },
      {
        timeoutMs,
        allowPrivate,
      },
    );

  it('refuses a loopback target without a request unless private targets are allowed', async () => {
    const refused = await post('/refused', false);
    expect(refused).toMatchObject({ result: 'forbidden_address' });
    expect(hits).not.toContain('/refused');
    expect(await post('/allowed', true)).toMatchObject({ result: 'success', statusCode: 204 });
    expect(hits).toContain('/allowed');
  });

  it('checks every address a name resolves to when connecting (localhost → 127.0.0.1)', async () => {
    const lookup = (allowPrivate: boolean) =>
      new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
        guardedLookup(allowPrivate)('localhost', { all: true }, (error, address) =>
          resolve({ error, address }),
        ),
      );
    const refused = await lookup(false);
    expect(refused.error).toMatchObject({ code: 'EFORBIDDENTARGET' });
    expect(refused.error?.message).toMatch(/forbidden target localhost: loopback address/);
    const allowed = await lookup(true);
    expect(allowed.error).toBeNull();
    expect(allowed.address).toEqual(
      expect.arrayContaining([expect.objectContaining({ family: expect.any(Number) })]),
    );
  });

  it('does not follow a redirect', async () => {
    answer = (path, res) =>
      path === '/moved'
        ? res.writeHead(307, { location: `http://127.0.0.1:${port}/target` }).end()
        : res.writeHead(204).end();
    const outcome = await post('/moved', true);
    expect(outcome).toMatchObject({
      result: 'redirect',
      statusCode: 307,
      error: 'redirect (307) not followed',
    });
    expect(hits).not.toContain('/target');
  });

  it('gives up on a slow receiver after the timeout', async () => {
    answer = (_path, res) => setTimeout(() => res.writeHead(204).end(), 3_000).unref();
    const started = Date.now();
    const outcome = await post('/slow', true, 300);
    expect(outcome).toMatchObject({ result: 'timeout', error: 'timeout after 300 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('keeps the first 2 KiB of the answer, without NUL characters, and reports HTTP errors', async () => {
    answer = (_path, res) => res.writeHead(500).end(`a\u0000${'x'.repeat(5_000)}`);
    const outcome = await post('/error', true);
    expect(outcome).toMatchObject({ result: 'http_error', statusCode: 500, error: 'HTTP 500' });
    expect(outcome.responseBody?.length).toBe(2_048); // of the 5,002 characters sent
    expect(outcome.responseBody).not.toContain('\u0000');
  });

  it('reports a refused connection as a network failure', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const closedPort = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const outcome = await postWebhook(
      `http://127.0.0.1:${closedPort}/`,
      '{}',
      {},
      {
        timeoutMs: 1_000,
        allowPrivate: true,
      },
    );
    expect(outcome).toMatchObject({ result: 'network', error: 'ECONNREFUSED' });
  });
});
