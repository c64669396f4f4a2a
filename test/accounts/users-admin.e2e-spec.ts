import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import { expectError, expectFieldError, expectUserShape } from './helpers.js';

interface UserPage {
  items: Array<{ id: string; email: string; name: string; role: string }>;
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}

/** A word no other test's user contains, to scope `q` searches in the shared database. */
const tag = (): string => `zq${randomBytes(5).toString('hex')}`;

describe('listUsers and updateUserRole', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const listUsers = (caller: TestUser | undefined, query: Record<string, string | number> = {}) => {
    const request = t.http.get('/api/users').query(query);
    return caller ? request.set('Authorization', caller.auth) : request;
  };
  const updateRole = (caller: TestUser | undefined, id: string, body: unknown) => {
    const request = t.http.patch(`/api/users/${id}/role`).send(body as object);
    return caller ? request.set('Authorization', caller.auth) : request;
  };

  describe('access', () => {
    it.each(['customer', 'staff'] as const)('answers 403 to a %s', async (role) => {
      const caller = await t.createUser({ role });
      const target = await t.createUser();
      expectError(await listUsers(caller), 403, 'FORBIDDEN');
      expectError(await updateRole(caller, target.id, { role: 'admin' }), 403, 'FORBIDDEN');
    });

    it('answers 401 without a token', async () => {
      const target = await t.createUser();
      expectError(await listUsers(undefined), 401, 'UNAUTHORIZED');
      expectError(await updateRole(undefined, target.id, { role: 'admin' }), 401, 'UNAUTHORIZED');
    });

    it('does not let a customer promote themselves', async () => {
      const customer = await t.createUser();
      expectError(await updateRole(customer, customer.id, { role: 'admin' }), 403, 'FORBIDDEN');
      const me = await t.http.get('/api/me').set('Authorization', customer.auth).expect(200);
      expect(me.body.role).toBe('customer');
    });
  });

  describe('listUsers', () => {
    it('answers a page with the default size', async () => {
      const admin = await t.createUser({ role: 'admin' });
      const res = await listUsers(admin).expect(200);
      const page = res.body as UserPage;
      expect(Object.keys(page).sort()).toEqual([
        'items',
        'page',
        'pageSize',
        'total',
        'totalPages',
      ]);
      expect(page).toMatchObject({ page: 1, pageSize: 20 });
      expect(page.total).toBeGreaterThanOrEqual(1);
      expect(page.totalPages).toBe(Math.ceil(page.total / 20));
      expect(page.items.length).toBe(Math.min(20, page.total));
    });

    it('finds a user by part of the email, in any case, with the public user shape', async () => {
      const admin = await t.createUser({ role: 'admin' });
      const word = tag();
      const user = await t.createUser({ email: `${word}-mail@example.test`, name: 'Email Match' });
      const res = await listUsers(admin, { q: word.slice(1).toUpperCase() }).expect(200);
      const page = res.body as UserPage;
      expect(page).toMatchObject({ total: 1, totalPages: 1, page: 1 });
      expectUserShape(page.items[0], { email: user.email, name: 'Email Match' });
      expect(page.items[0]?.id).toBe(user.id);
    });

    it('finds a user by part of the name', async () => {
      const admin = await t.createUser({ role: 'admin' });
      const word = tag();
      const user = await t.createUser({ name: `Grace ${word} Hopper` });
      const res = await listUsers(admin, { q: `${word} hop` }).expect(200);
      expect((res.body as UserPage).items.map((u) => u.id)).toEqual([user.id]);
    });

    it('pages through the matches, newest first', async () => {
      const admin = await t.createUser({ role: 'admin' });
      const word = tag();
      const first = await t.createUser({ name: `${word} one` });
      const second = await t.createUser({ name: `${word} two` });
      const third = await t.createUser({ name: `${word} three` });
      const page1 = (await listUsers(admin, { q: word, pageSize: 2 }).expect(200)).body as UserPage;
      expect(page1).toMatchObject({ page: 1, pageSize: 2, total: 3, totalPages: 2 });
      const page2 = (await listUsers(admin, { q: word, pageSize: 2, page: 2 }).expect(200))
        .body as UserPage;
      expect(page2).toMatchObject({ page: 2, pageSize: 2, total: 3, totalPages: 2 });
      expect([...page1.items, ...page2.items].map((u) => u.id)).toEqual([
        third.id,
        second.id,
        first.id,
      ]);
      const beyond = (await listUsers(admin, { q: word, pageSize: 2, page: 3 }).expect(200))
        .body as UserPage;
      expect(beyond).toMatchObject({ items: [], total: 3, totalPages: 2 });
    });

    it('answers an empty page with totalPages 0 when nothing matches', async () => {
      const admin = await t.createUser({ role: 'admin' });
      const res = await listUsers(admin, { q: tag() }).expect(200);
      expect(res.body).toEqual({ items: [], page: 1, pageSize: 20, total: 0, totalPages: 0 });
    });

    it('treats % and _ in q literally', async () => {
      const admin = await t.createUser({ role: 'admin' });
      const word = tag();
      await t.createUser({ name: `${word} wildcard` });
      expect((await listUsers(admin, { q: `%${word}` }).expect(200)).body.total).toBe(0);
      expect(
        (await listUsers(admin, { q: `${word.slice(0, 3)}_${word.slice(4)}` }).expect(200)).body
          .total,
      ).toBe(0);
    });

    it.each([
      ['pageSize 0', { pageSize: 0 }, 'pageSize'],
      ['pageSize 101', { pageSize: 101 }, 'pageSize'],
      ['a fractional pageSize', { pageSize: 2.5 }, 'pageSize'],
      ['a non-numeric pageSize', { pageSize: 'ten' }, 'pageSize'],
      ['page 0', { page: 0 }, 'page'],
      ['a negative page', { page: -1 }, 'page'],
      ['a q over 100 characters', { q: 'q'.repeat(101) }, 'q'],
      ['an unknown parameter', { role: 'admin' }, 'role'],
    ])('answers 400 to %s', async (_, query, field) => {
      const admin = await t.createUser({ role: 'admin' });
      expectFieldError(await listUsers(admin, query), field);
    });

    it('names the first broken rule of a parameter, not the last', async () => {
      const admin = await t.createUser({ role: 'admin' });
      const body = expectFieldError(await listUsers(admin, { pageSize: 'ten' }), 'pageSize');
      expect(body.details).toEqual([
        { field: 'pageSize', message: 'pageSize must be an integer number' },
      ]);
    });

    it('answers 400 to a q given twice', async () => {
      const admin = await t.createUser({ role: 'admin' });
      const res = await t.http.get('/api/users?q=a&q=b').set('Authorization', admin.auth);
      expectFieldError(res, 'q');
    });
  });

  describe('updateUserRole', () => {
    it('changes the role and answers 200 with the user', async () => {
      const admin = await t.createUser({ role: 'admin' });
      const target = await t.createUser({ name: 'Promoted' });
      const res = await updateRole(admin, target.id, { role: 'staff' }).expect(200);
      expectUserShape(res.body, { email: target.email, name: 'Promoted', role: 'staff' });
      expect(res.body.id).toBe(target.id);
      const relogin = await t.http
        .post('/api/auth/login')
        .send({ email: target.email, password: target.password })
        .expect(200);
      expect(relogin.body.user.role).toBe('staff');
    });

    it('revokes the refresh tokens of the user whose role changed', async () => {
      const admin = await t.createUser({ role: 'admin' });
      const target = await t.createUser();
      await updateRole(admin, target.id, { role: 'staff' }).expect(200);
      const res = await t.http
        .post('/api/auth/refresh')
        .send({ refreshToken: target.refreshToken });
      expectError(res, 401, 'INVALID_REFRESH_TOKEN');
    });

    it('gives a demoted admin a token without admin rights at the next login', async () => {
      const admin = await t.createUser({ role: 'admin' });
      const demoted = await t.createUser({ role: 'admin' });
      await updateRole(admin, demoted.id, { role: 'customer' }).expect(200);
      const relogin = await t.http
        .post('/api/auth/login')
        .send({ email: demoted.email, password: demoted.password })
        .expect(200);
      const res = await t.http
        .get('/api/users')
        .set('Authorization', `Bearer ${relogin.body.accessToken}`);
      expectError(res, 403, 'FORBIDDEN');
    });

    it('answers 200 and keeps the sessions when the role is unchanged', async () => {
      const admin = await t.createUser({ role: 'admin' });
      const target = await t.createUser();
      const res = await updateRole(admin, target.id, { role: 'customer' }).expect(200);
      expect(res.body.role).toBe('customer');
      await t.http
        .post('/api/auth/refresh')
        .send({ refreshToken: target.refreshToken })
        .expect(200);
    });

    it.each([
      ['an unknown role', { role: 'superuser' }],
      ['a role in another case', { role: 'Admin' }],
      ['no role', {}],
      ['a numeric role', { role: 1 }],
    ])('answers 400 to %s', async (_, body) => {
      const admin = await t.createUser({ role: 'admin' });
      const target = await t.createUser();
      expectFieldError(await updateRole(admin, target.id, body), 'role');
    });

    it('answers 400 to an unknown field', async () => {
      const admin = await t.createUser({ role: 'admin' });
      const target = await t.createUser();
      expectFieldError(
        await updateRole(admin, target.id, { role: 'staff', email: 'x@example.test' }),
        'email',
      );
    });

    it('answers 404 to an unknown id', async () => {
      const admin = await t.createUser({ role: 'admin' });
      const body = expectError(
        await updateRole(admin, randomUUID(), { role: 'staff' }),
        404,
        'NOT_FOUND',
      );
      expect(body.message).toMatch(/user/i);
    });

    it('answers 400 to an id that is not a uuid', async () => {
      const admin = await t.createUser({ role: 'admin' });
      expectError(await updateRole(admin, 'not-a-uuid', { role: 'staff' }), 400, 'BAD_REQUEST');
    });
  });
});
