/**
 * OWASP API8 (security misconfiguration): errors never carry stack traces, SQL, driver messages
 * or the values a client sent; inputs the database cannot take are 400s, not 500s.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { OrdersQueryService } from '@/orders/orders-query.service.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import { ADDRESS, buildShop, expectErrorShape, INTERNALS, type Shop } from './security-support.js';

describe('error hygiene', () => {
  let t: TestApp;
  let shop: Shop;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    shop = await buildShop(t);
    user = await t.createUser();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });
  afterAll(async () => {
    await t.close();
  });

  /** A genuine driver error: the SQL, the table name and a bound parameter are all in it. */
  const realDatabaseError = async (): Promise<Error> => {
    const error = await t.dataSource
      .query('SELECT password_hash FROM no_such_table_x WHERE email = $1', ['leak@example.test'])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('QueryFailedError');
    return error as Error;
  };

  const listOrdersFailingWith = async (error: unknown) => {
    jest.spyOn(t.app.get(OrdersQueryService), 'list').mockRejectedValueOnce(error);
    return t.http.get('/api/orders').set('Authorization', user.auth);
  };

  it('answers a database error with a bare 500: no SQL, table, parameter, driver message or stack', async () => {
    const res = await listOrdersFailingWith(await realDatabaseError());
    expectErrorShape(res, 500, 'INTERNAL_ERROR');
    expect(res.body.message).toBe('Internal server error');
    expect(res.text).not.toMatch(INTERNALS);
    for (const secret of [
      'no_such_table_x',
      'password_hash',
      'leak@example.test',
      'does not exist',
    ])
      expect(res.text).not.toContain(secret);
  });

  it('answers a lost database connection with 503 and Retry-After, saying nothing of the host', async () => {
    const lost = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), {
      code: 'ECONNREFUSED',
    });
    const res = await listOrdersFailingWith(lost);
    expectErrorShape(res, 503, 'SERVICE_UNAVAILABLE');
    expect(res.headers['retry-after']).toBe('5');
    expect(res.text).not.toMatch(/10\.1\.2\.3|5432|ECONNREFUSED/);
  });

  it('answers a programming error with a bare 500', async () => {
    const res = await listOrdersFailingWith(
      new TypeError("Cannot read properties of undefined (reading 'secretField')"),
    );
    expectErrorShape(res, 500, 'INTERNAL_ERROR');
    expect(res.text).not.toMatch(/secretField|TypeError|Cannot read/);
    expect(res.text).not.toMatch(INTERNALS);
  });

  describe('NUL characters, which PostgreSQL cannot store (once a 500 everywhere)', () => {
    it.each([
      ['a body field', 'patch', '/api/me', { name: 'a\u0000b' }, 'name'],
      [
        'a nested body field',
        'patch',
        '/api/me',
        { defaultShippingAddress: { ...ADDRESS, line1: 'x\u0000' } },
        'defaultShippingAddress.line1',
      ],
      [
        'a checkout note',
        'post',
        '/api/orders',
        { shippingAddress: ADDRESS, notes: '\u0000' },
        'notes',
      ],
      ['a query parameter', 'get', '/api/products?q=a%00b', undefined, 'q'],
      ['an admin search', 'get', '/api/users?q=%00', undefined, 'q'],
      ['a path parameter', 'get', '/api/categories/a%00b', undefined, 'idOrSlug'],
      ['a body key', 'patch', '/api/me', { 'na\u0000me': 'x' }, 'na\u0000me'],
    ] as const)('answers 400 naming the field for %s', async (_, method, path, body, field) => {
      const caller = path.startsWith('/api/users') ? shop.admin : user;
      const res = await t.http[method](path).set('Authorization', caller.auth).send(body);
      expectErrorShape(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual([{ field, message: 'must not contain NUL characters' }]);
    });

    it('answers 400 to a registration with a NUL in the name, and creates no account', async () => {
      const email = `nul-${Date.now()}@example.test`;
      const res = await t.http
        .post('/api/auth/register')
        .send({ email, password: 'Str0ng-enough-pass', name: 'x\u0000' });
      expectErrorShape(res, 400, 'VALIDATION_FAILED');
      expect(await t.dataSource.query('SELECT 1 FROM users WHERE email = $1', [email])).toEqual([]);
    });
  });

  it('never echoes a submitted value in a validation error', async () => {
    const marker = 'Zq8-echo-marker';
    const cases = [
      t.http.post('/api/auth/register').send({
        email: `not-an-email-${marker}`,
        password: `${marker}-${'x'.repeat(200)}`,
        name: 'x'.repeat(121) + marker,
      }),
      t.http.post('/api/auth/login').send({ email: marker, password: 42 }),
      t.http.get(`/api/orders/${marker}`).set('Authorization', user.auth),
      t.http.get(`/api/products?sort=${marker}&pageSize=${marker}`),
      t.http
        .post('/api/cart/items')
        .set('Authorization', user.auth)
        .send({ productId: marker, quantity: marker }),
    ];
    for (const res of await Promise.all(cases)) {
      expectErrorShape(res, 400);
      expect(res.text).not.toContain(marker);
    }
  });

  it('treats SQL in parameters as data', async () => {
    // Scoped to the shop's brand, whose one product an always-true condition would return.
    for (const q of [
      "' OR 'zzqx'='zzqx' --",
      "zzqx'; DROP TABLE products; --",
      "zzqx') OR ('1'='1",
    ]) {
      const res = await t.http
        .get(`/api/products?brand=${shop.brand.slug}&q=${encodeURIComponent(q)}`)
        .expect(200);
      expect(res.body.items).toEqual([]);
    }
    for (const slug of ["x' OR '1'='1", '1;SELECT pg_sleep(1)']) {
      const res = await t.http.get(`/api/categories/${encodeURIComponent(slug)}`);
      expectErrorShape(res, 404);
    }
    const res = await t.http
      .post('/api/auth/login')
      .send({ email: "' OR 1=1 --", password: "' OR 1=1 --" });
    expectErrorShape(res, 401, 'INVALID_CREDENTIALS');
    await t.http.get(`/api/products/${shop.product.slug}`).expect(200);
  });
});
