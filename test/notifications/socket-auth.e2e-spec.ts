import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { TokensService } from '@/accounts/tokens.service.js';
import {
  closeSockets,
  connectError,
  connectSocket,
  disconnected,
  nextEvent,
  recordEvents,
} from '../support/sockets.js';
import {
  createTestApp,
  TEST_JWT_SECRET,
  type TestApp,
  type TestUser,
} from '../support/test-app.js';
import {
  expectStatus,
  patchStatus,
  placeOrder,
  quickUser,
  type StatusUpdatePush,
} from './notification-builders.js';

const base64url = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const claimsOf = (user: TestUser) => ({ sub: user.id, email: user.email, role: user.role });

describe('socket authentication on /notifications', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterEach(() => {
    closeSockets();
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a handshake without a token with connect_error "unauthorized"', async () => {
    const error = await connectError(t.baseUrl, {});
    expect(error.message).toBe('unauthorized');
  });

  it.each([
    ['garbage', () => 'not-a-jwt'],
    ['an empty string', () => ''],
    [
      'a JWT with a tampered payload',
      (user: TestUser) => {
        const [header, , signature] = user.accessToken.split('.');
        return `${header}.${base64url({ ...claimsOf(user), role: 'admin' })}.${signature}`;
      },
    ],
    [
      'a JWT signed with another secret',
      (user: TestUser) =>
        new JwtService({ secret: 'another-secret-entirely-of-enough-length' }).sign(claimsOf(user)),
    ],
    [
      'an "alg: none" JWT',
      (user: TestUser) =>
        `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({
          ...claimsOf(user),
          iat: nowSeconds(),
          exp: nowSeconds() + 600,
        })}.`,
    ],
    [
      'an HS512 JWT with the right secret',
      (user: TestUser) =>
        new JwtService({ secret: TEST_JWT_SECRET }).sign(claimsOf(user), { algorithm: 'HS512' }),
    ],
    [
      'an expired JWT with the right secret',
      (user: TestUser) =>
        new JwtService({ secret: TEST_JWT_SECRET }).sign({
          ...claimsOf(user),
          iat: nowSeconds() - 120,
          exp: nowSeconds() - 60,
        }),
    ],
  ])('refuses %s in auth.token with connect_error "unauthorized"', async (_, makeToken) => {
    const user = await quickUser(t);
    const error = await connectError(t.baseUrl, { token: makeToken(user) });
    expect(error.message).toBe('unauthorized');
  });

  it('refuses a bad token in the Authorization header too', async () => {
    const error = await connectError(t.baseUrl, {
      extraHeaders: { Authorization: 'Bearer not-a-jwt' },
    });
    expect(error.message).toBe('unauthorized');
  });

  it('refuses an Authorization header of another scheme', async () => {
    const user = await quickUser(t);
    const error = await connectError(t.baseUrl, {
      extraHeaders: { Authorization: `Basic ${user.accessToken}` },
    });
    expect(error.message).toBe('unauthorized');
  });

  it('accepts the token as an Authorization: Bearer header and delivers to that user', async () => {
    const [owner, staff] = await Promise.all([quickUser(t), quickUser(t, 'staff')]);
    const order = await placeOrder(t, owner);
    const socket = await connectSocket(t.baseUrl, undefined, {
      extraHeaders: { Authorization: owner.auth },
    });
    const pushed = nextEvent<StatusUpdatePush>(socket, 'order_status_update', 1_000);
    expectStatus(await patchStatus(t, staff, order.id, 'confirmed'), 200);
    expect(await pushed).toMatchObject({ orderId: order.id, newStatus: 'confirmed' });
  });

  it.each(['bearer', 'BEARER'])(
    'reads the header scheme case-insensitively (%s), as the HTTP API does',
    async (scheme) => {
      const user = await quickUser(t);
      const header = `${scheme} ${user.accessToken}`;
      expectStatus(await t.http.get('/api/me').set('Authorization', header), 200);
      const socket = await connectSocket(t.baseUrl, undefined, {
        extraHeaders: { Authorization: header },
      });
      expect(socket.connected).toBe(true);
    },
  );

  it('accepts "Bearer <token>" in auth.token as well', async () => {
    const owner = await quickUser(t);
    const socket = await connectSocket(t.baseUrl, owner.auth);
    expect(socket.connected).toBe(true);
  });
});

describe('socket token expiry', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ JWT_ACCESS_TTL: '2s' });
  });
  afterEach(() => {
    closeSockets();
  });
  afterAll(async () => {
    await t.close();
  });

  /** A new session by `login`: a 2 s token lives 1–2 s, so take it just before it is used. */
  const login = async (user: TestUser): Promise<string> => {
    const res = expectStatus(
      await t.http.post('/api/auth/login').send({ email: user.email, password: user.password }),
      200,
    );
    return (res.body as { accessToken: string }).accessToken;
  };

  /**
   * For the HTTP side of a test only: a 10-minute token signed like the app's, so slow set-up
   * cannot outlive it. The socket under test always uses a real 2 s token.
   */
  const longLived = (user: TestUser): TestUser => {
    const token = new JwtService({ secret: TEST_JWT_SECRET }).sign(claimsOf(user), {
      expiresIn: 600,
      jwtid: randomUUID(),
    });
    return { ...user, accessToken: token, auth: `Bearer ${token}` };
  };

  const expiryOf = (token: string): number =>
    (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number }).exp *
    1000;

  it('says token_expired and disconnects a socket when its token expires; a fresh login reconnects', async () => {
    const user = await t.createUser();
    const token = await login(user);
    const socket = await connectSocket(t.baseUrl, token);
    const connectedAt = Date.now();
    const expired = recordEvents<{ reason: string }>(socket, 'token_expired');
    const reason = await disconnected(socket, 3_500);
    const disconnectedAt = Date.now();

    expect(reason).toBe('io server disconnect');
    expect(expired.payloads()).toEqual([{ reason: expect.any(String) }]);
    // Not before the token's expiry, and promptly after it.
    expect(disconnectedAt).toBeGreaterThanOrEqual(expiryOf(token) - 50);
    expect(disconnectedAt - connectedAt).toBeLessThan(3_000);

    const again = await connectSocket(t.baseUrl, await login(user));
    expect(again.connected).toBe(true);
  });

  it('keeps delivering to a socket until its token expires', async () => {
    const [owner, staff] = await Promise.all([quickUser(t), quickUser(t, 'staff')]);
    const order = await placeOrder(t, longLived(owner));
    const operator = longLived(staff);
    // Issued now, by the app's token service: the 2 s token the socket is about.
    const { accessToken } = await t.app.get(TokensService).issue(owner);
    const socket = await connectSocket(t.baseUrl, accessToken);
    const pushed = nextEvent<StatusUpdatePush>(socket, 'order_status_update', 1_000);
    expectStatus(await patchStatus(t, operator, order.id, 'confirmed'), 200);
    expect(await pushed).toMatchObject({ orderId: order.id });
    await expect(disconnected(socket, 3_500)).resolves.toBe('io server disconnect');
  });

  it('refuses a socket whose 2 s token has already expired', async () => {
    const user = await quickUser(t);
    const { accessToken } = await t.app.get(TokensService).issue(user);
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(expiryOf(accessToken) - Date.now(), 0) + 1_050),
    );
    const error = await connectError(t.baseUrl, { token: accessToken });
    expect(error.message).toBe('unauthorized');
  });
});
