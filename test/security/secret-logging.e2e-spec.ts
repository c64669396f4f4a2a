/**
 * OWASP API8 / API2: with request logging on (LOG_LEVEL=info), the logs of registering, logging
 * in (right and wrong), refreshing, reusing a refresh token, changing the password, logging out,
 * an idempotent checkout, socket handshakes and a failing database query hold no password, token,
 * JWT, refresh secret, idempotency key, password hash, JWT secret or bound SQL parameter.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { OrdersQueryService } from '@/orders/orders-query.service.js';
import { closeSockets, connectError, connectSocket } from '../support/sockets.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const JWT_SECRET = 'log-test-jwt-secret-Wq3rT9yU-0123456789abcdef';
const PASSWORD = 'Log-secret-Pass-123';
const NEW_PASSWORD = 'Log-secret-Pass-456';
const WRONG_PASSWORD = 'Log-wrong-Guess-789';
const IDEMPOTENCY_KEY = 'log-idem-key-5c1f0d';
const SQL_PARAMETER = 'log-bound-parameter-secret';
const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/;

describe('secrets are never logged', () => {
  let t: TestApp;
  const logs: string[] = [];
  const CATALOG_PROBE = '/api/products?pageSize=3&sort=price';
  const secrets: string[] = [PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, IDEMPOTENCY_KEY, JWT_SECRET];

  beforeAll(async () => {
    const capture = (chunk: unknown): void => {
      logs.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
    };
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      capture(chunk);
      return true;
    });
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      capture(chunk);
      return true;
    });
    // pino may write to the file descriptors directly (sonic-boom): capture those writes too.
    const writeSync = fs.writeSync.bind(fs) as (...args: unknown[]) => number;
    jest
      .spyOn(fs, 'writeSync')
      .mockImplementation((fd: number, data: unknown, ...rest: unknown[]) => {
        if (fd !== 1 && fd !== 2) return writeSync(fd, data, ...rest);
        capture(data);
        return typeof data === 'string' ? Buffer.byteLength(data) : (data as Uint8Array).length;
      });

    t = await createTestApp({ LOG_LEVEL: 'info', JWT_SECRET, REFRESH_REUSE_GRACE: '0' });
    const http = t.http;
    const email = `log-${Date.now()}@example.test`;
    secrets.push(process.env.TEST_DATABASE_URL ?? 'no database url');

    const registered = await http
      .post('/api/auth/register')
      .set('X-Request-Id', 'log-probe-register')
      .send({ email, password: PASSWORD, name: 'Log Probe' })
      .expect(201);
    const first = registered.body as { accessToken: string; refreshToken: string };
    await http.post('/api/auth/login').send({ email, password: WRONG_PASSWORD }).expect(401);
    const login = await http
      .post('/api/auth/login')
      .set('Authorization', `Bearer ${first.accessToken}`)
      .send({ email, password: PASSWORD })
      .expect(200);
    const refreshed = await http
      .post('/api/auth/refresh')
      .send({ refreshToken: login.body.refreshToken })
      .expect(200);
    // Reuse of a spent refresh token: the family is revoked (and a warning may be logged).
    await http
      .post('/api/auth/refresh')
      .send({ refreshToken: login.body.refreshToken })
      .expect(401);
    const auth = `Bearer ${first.accessToken}`;
    await http.get('/api/me').set('Authorization', auth).expect(200);
    // A catalog read twice: the second is answered by the fast path, before the request logger.
    for (let i = 0; i < 2; i += 1)
      await http.get(CATALOG_PROBE).set('Authorization', auth).expect(200);
    await http
      .post('/api/me/password')
      .set('Authorization', auth)
      .send({ currentPassword: WRONG_PASSWORD, newPassword: NEW_PASSWORD })
      .expect(400);
    await http
      .post('/api/me/password')
      .set('Authorization', auth)
      .send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD })
      .expect(204);
    await http
      .post('/api/orders')
      .set('Authorization', auth)
      .set('Idempotency-Key', IDEMPOTENCY_KEY)
      .send({
        shippingAddress: { fullName: 'x', line1: 'x', city: 'x', postalCode: 'x', country: 'GB' },
      })
      .expect(400);
    await http.post('/api/auth/logout').send({ refreshToken: first.refreshToken }).expect(204);

    // Socket handshakes, good and bad.
    const socket = await connectSocket(t.baseUrl, first.accessToken);
    socket.disconnect();
    await connectError(t.baseUrl, { token: `${first.accessToken}x` });
    closeSockets();

    // A failing query whose bound parameter is a secret.
    const failure = await t.dataSource
      .query('SELECT * FROM no_such_table_y WHERE email = $1', [SQL_PARAMETER])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    jest.spyOn(t.app.get(OrdersQueryService), 'list').mockRejectedValueOnce(failure);
    await http.get('/api/orders').set('Authorization', auth).expect(500);

    secrets.push(
      SQL_PARAMETER,
      ...[first, login.body, refreshed.body].flatMap(
        (s: { accessToken: string; refreshToken: string }) => [
          s.accessToken,
          s.refreshToken,
          s.refreshToken.split('.')[1] ?? s.refreshToken,
        ],
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 200)); // let asynchronous log writes land
  });

  afterAll(async () => {
    await t?.close();
    jest.restoreAllMocks();
  });

  it('logs the requests (so the check below is not vacuous)', () => {
    const text = logs.join('');
    expect(text).toContain('log-probe-register');
    expect(text).toMatch(/request completed/);
    expect(text).toMatch(/unhandled error|request failed/);
    expect(logs.length).toBeGreaterThan(10);
  });

  it('logs an answer of the catalog fast path like any other: one line a request', () => {
    const lines = logs
      .join('')
      .split('\n')
      .filter((line) => line.includes(`"url":"${CATALOG_PROBE}"`));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry).toMatchObject({
        level: 30,
        msg: 'request completed',
        res: { statusCode: 200 },
      });
      expect(entry.req).toEqual({ id: expect.any(String), method: 'GET', url: CATALOG_PROBE });
    }
  });

  it('never logs a password, token, JWT, refresh secret, idempotency key, hash or SQL parameter', () => {
    const text = logs.join('');
    for (const secret of secrets) expect(text.includes(secret) ? secret : 'absent').toBe('absent');
    expect(text).not.toMatch(JWT);
    expect(text).not.toMatch(/scrypt\$/);
  });
});
