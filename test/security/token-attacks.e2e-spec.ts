/**
 * OWASP API2 (broken authentication): forged access tokens against every authenticated
 * operation, and tokens used where the other kind belongs.
 *
 * Single-token attacks are in test/accounts: tampered signature, payload edited to admin, expired,
 * alg none, another secret, HS512 (access-tokens.e2e-spec.ts); expired and unknown refresh tokens
 * (refresh-tokens.e2e-spec.ts); refresh reuse after the grace revoking the family, reuse within it
 * (two tabs, concurrent), logged-out tokens never honoured, strict mode (refresh-token-reuse.e2e-spec.ts).
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import {
  createTestApp,
  TEST_JWT_SECRET,
  type TestApp,
  type TestUser,
} from '../support/test-app.js';
import {
  buildShop,
  documentedOperations,
  expectErrorShape,
  type Shop,
} from './security-support.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = (): number => Math.floor(Date.now() / 1000);
const hs256 = (header: object, claims: object, secret: string): string => {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
};

describe('forged and misused tokens', () => {
  let t: TestApp;
  let shop: Shop;
  let customer: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    shop = await buildShop(t);
    customer = await t.createUser();
  });
  afterAll(async () => {
    await t.close();
  });

  /** Admin claims for a real admin, signed every wrong way an attacker might try. */
  const forgeries = (): Array<[string, string]> => {
    const claims = {
      sub: shop.admin.id,
      email: shop.admin.email,
      role: 'admin',
      iat: now(),
      exp: now() + 600,
    };
    const [, payload] = shop.admin.accessToken.split('.');
    return [
      ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`],
      ['alg NONE', `${b64({ alg: 'NONE', typ: 'JWT' })}.${b64(claims)}.`],
      ['alg nOnE with a signature', `${b64({ alg: 'nOnE' })}.${b64(claims)}.c2ln`],
      ['HS256 with an empty secret', hs256({ alg: 'HS256', typ: 'JWT' }, claims, '')],
      ['HS256 with another secret', hs256({ alg: 'HS256' }, claims, 'guessed-secret-123')],
      ['HS256 with "secret"', hs256({ alg: 'HS256' }, claims, 'secret')],
      [
        'a kid pointing at /dev/null with an empty secret',
        hs256({ alg: 'HS256', kid: '../../../../dev/null' }, claims, ''),
      ],
      [
        'a customer token re-signed after editing the role',
        hs256(
          { alg: 'HS256', typ: 'JWT' },
          { ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()), role: 'admin' },
          'not-the-secret',
        ),
      ],
      ['RS256 header on an HS256 body', hs256({ alg: 'RS256' }, claims, TEST_JWT_SECRET)],
      ['no signature part', `${b64({ alg: 'HS256' })}.${b64(claims)}`],
      ['the refresh token of the admin', shop.admin.refreshToken],
    ];
  };

  const protectedOperations = () =>
    documentedOperations().filter(
      (op) => !op.path.startsWith('/api/auth/') && !isPublic(op.operationId),
    );
  const PUBLIC = new Set([
    'listProducts',
    'listFeaturedProducts',
    'getProduct',
    'listCategories',
    'getCategory',
    'listCategoryProducts',
    'listBrands',
    'getBrand',
    'listBrandProducts',
    'listAttributes',
    'getAttribute',
    'listProductReviews',
    'getSharedWishlist',
    // Public with an optional bearer (staff see inactive variants, authors their pending
    // review): a forged token is ignored, as on getProduct.
    'listProductVariants',
    'getProductVariant',
    'getReview',
    // Authenticated by the payment provider's signature over the body, never by a bearer (one
    // sent is ignored): its forged and stale signatures are test/payments' cases.
    'handleStripeWebhook',
  ]);
  const isPublic = (operationId: string): boolean => PUBLIC.has(operationId);

  it('refuses every forged admin token with 401 on every authenticated operation', async () => {
    const operations = protectedOperations();
    expect(operations.length).toBeGreaterThanOrEqual(20);
    for (const [name, token] of forgeries()) {
      for (const op of operations) {
        const path = op.path.replace(/\{[^}]+\}/g, shop.product.id);
        const res = await t.http[op.method as 'get' | 'post' | 'patch' | 'delete'](path)
          .set('Authorization', `Bearer ${token}`)
          .send(op.method === 'get' || op.method === 'delete' ? undefined : {});
        if (res.status !== 401) throw new Error(`${name} on ${op.operationId}: ${res.status}`);
        expectErrorShape(res, 401);
      }
    }
  });

  it('does not let a forged staff token show inactive items on public routes (it is ignored)', async () => {
    for (const [, token] of forgeries()) {
      const list = await t.http
        .get(`/api/products?includeInactive=true&pageSize=100&category=${shop.category.slug}`)
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(list.text).not.toContain(shop.hidden.product.id);
      await t.http
        .get(`/api/products/${shop.hidden.product.slug}`)
        .set('Authorization', `Bearer ${token}`)
        .expect(404);
      await t.http
        .get(`/api/products/${shop.hidden.product.slug}/variants`)
        .set('Authorization', `Bearer ${token}`)
        .expect(404);
    }
    // Sanity: the real staff token does see it.
    await t.http
      .get(`/api/products/${shop.hidden.product.slug}`)
      .set('Authorization', shop.staff.auth)
      .expect(200);
    await t.http
      .get(`/api/products/${shop.hidden.product.slug}/variants`)
      .set('Authorization', shop.staff.auth)
      .expect(200);
  });

  it('refuses a refresh token as an access token, and an access token as a refresh token', async () => {
    expectErrorShape(
      await t.http.get('/api/me').set('Authorization', `Bearer ${customer.refreshToken}`),
      401,
    );
    // An access token is longer than any refresh token: refused by validation already (400).
    const res = await t.http.post('/api/auth/refresh').send({ refreshToken: customer.accessToken });
    expectErrorShape(res, 400);
    // Neither attempt spent the real refresh token.
    await t.http
      .post('/api/auth/refresh')
      .send({ refreshToken: customer.refreshToken })
      .expect(200);
  });

  it('accepts only the app secret and HS256: a correctly signed token still works (control)', async () => {
    const jwt = new JwtService({ secret: TEST_JWT_SECRET });
    const token = jwt.sign(
      { sub: customer.id, email: customer.email, role: 'customer' },
      { expiresIn: 60 },
    );
    await t.http.get('/api/me').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it.each([
    ['a refresh token with a wrong secret', (u: TestUser) => `${u.refreshToken.split('.')[0]}.x`],
    ['a refresh token with an extra part', (u: TestUser) => `${u.refreshToken}.x`],
    ['SQL in a refresh token', () => "' OR 1=1 --.x"],
    ['a huge refresh token', () => `00000000-0000-0000-0000-000000000000.${'x'.repeat(100_000)}`],
  ])('refuses %s (400 or 401) without spending the real one', async (_, token) => {
    const user = await t.createUser();
    const res = await t.http.post('/api/auth/refresh').send({ refreshToken: token(user) });
    expectErrorShape(res, res.status === 400 ? 400 : 401);
    expect([400, 401]).toContain(res.status);
    await t.http.post('/api/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200);
  });
});
