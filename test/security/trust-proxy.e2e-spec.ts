import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { orderBuilders } from '../orders/order-builders.js';
import { expectError } from '../support/expect-error.js';
import {
  createTestApp,
  freshIp,
  STRONG_PASSWORD,
  type TestApp,
  uniqueEmail,
} from '../support/test-app.js';

/**
 * TRUST_PROXY: the client address is the one the outermost trusted proxy saw, the last
 * X-Forwarded-For hop here (the tests' requests come from 127.0.0.1, playing one load balancer).
 * A client that writes made-up addresses before it (`X-Forwarded-For: <random>, <its own>`)
 * is still one client to every per-address limit: login, register, refresh and new guest carts.
 * Budgets live in Redis for a minute: each case's client is a fresh address.
 */
const AUTH_LIMIT = 3;
const GUEST_CART_LIMIT = 2;

/** A forged chain: a new first hop every time, then what the trusted proxy really saw. */
const forged = (client: string): string => `${freshIp()}, ${client}`;

const expectRateLimited = (res: Response): void => {
  expectError(res, 429, 'RATE_LIMITED');
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
};

let builder: TestApp;
let productId: string;
beforeAll(async () => {
  builder = await createTestApp();
  productId = (await (await orderBuilders(builder)).product({ stock: 100 })).id;
});
afterAll(async () => {
  await builder?.close();
});

describe.each([
  ['a hop count', '1'],
  ['the proxy addresses', '127.0.0.1'],
])('client addresses with TRUST_PROXY as %s', (_form, trustProxy) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      TRUST_PROXY: trustProxy,
      AUTH_RATE_LIMIT: String(AUTH_LIMIT),
      GUEST_CART_RATE_LIMIT: String(GUEST_CART_LIMIT),
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const login = (chain: string) =>
    t.http
      .post('/api/auth/login')
      .set('X-Forwarded-For', chain)
      .send({ email: uniqueEmail('nobody'), password: 'Wrong-password-1' });
  const register = (chain: string) =>
    t.http
      .post('/api/auth/register')
      .set('X-Forwarded-For', chain)
      .send({ email: uniqueEmail('chain'), password: STRONG_PASSWORD, name: 'Chain' });

  it('limits logins by the last hop, whatever first hops the client makes up', async () => {
    const client = freshIp();
    for (let i = 0; i < AUTH_LIMIT; i += 1) await login(forged(client)).expect(401);
    expectRateLimited(await login(forged(client)));
    // Another last hop is another client (so the key is not the proxy's own address).
    await login(forged(freshIp())).expect(401);
  });

  it('limits registrations by the last hop', async () => {
    const client = freshIp();
    for (let i = 0; i < AUTH_LIMIT; i += 1) await register(forged(client)).expect(201);
    expectRateLimited(await register(forged(client)));
    await register(forged(freshIp())).expect(201);
  });

  it('limits token refreshes by the last hop', async () => {
    const registered = await register(freshIp()).expect(201);
    let token = (registered.body as { refreshToken: string }).refreshToken;
    const client = freshIp();
    const refresh = (chain: string) =>
      t.http.post('/api/auth/refresh').set('X-Forwarded-For', chain).send({ refreshToken: token });
    for (let i = 0; i < AUTH_LIMIT; i += 1) {
      token = ((await refresh(forged(client)).expect(200)).body as { refreshToken: string })
        .refreshToken;
    }
    expectRateLimited(await refresh(forged(client)));
    await refresh(forged(freshIp())).expect(200);
  });

  it('limits new guest carts by the last hop', async () => {
    const client = freshIp();
    const addToNewCart = (chain: string) =>
      t.http.post('/api/cart/items').set('X-Forwarded-For', chain).send({ productId, quantity: 1 });
    for (let i = 0; i < GUEST_CART_LIMIT; i += 1) await addToNewCart(forged(client)).expect(200);
    expectRateLimited(await addToNewCart(forged(client)));
    await addToNewCart(forged(freshIp())).expect(200);
  });
});
