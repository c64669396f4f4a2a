import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import { expectError, expectFieldError, expectUserShape } from './helpers.js';

const ADDRESS = {
  fullName: 'Ada Lovelace',
  line1: '12 Analytical Row',
  line2: 'Flat 3',
  city: 'London',
  region: 'Greater London',
  postalCode: 'SW1A 1AA',
  country: 'GB',
  phone: '+44 20 7946 0958',
};

describe('getMe and updateMe', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const updateMe = (user: TestUser, body: unknown) =>
    t.http
      .patch('/api/me')
      .set('Authorization', user.auth)
      .send(body as object);
  const getMe = async (user: TestUser) =>
    (await t.http.get('/api/me').set('Authorization', user.auth).expect(200)).body as Record<
      string,
      unknown
    >;

  it('returns the profile of the caller', async () => {
    const user = await t.createUser({ name: 'Profile Owner' });
    const me = await getMe(user);
    expectUserShape(me, { email: user.email, name: 'Profile Owner' });
    expect(me.id).toBe(user.id);
  });

  it('shows the role of the caller', async () => {
    const staff = await t.createUser({ role: 'staff' });
    expect(await getMe(staff)).toMatchObject({ id: staff.id, role: 'staff' });
  });

  it('answers 401 to getMe and updateMe without a token', async () => {
    expectError(await t.http.get('/api/me'), 401, 'UNAUTHORIZED');
    expectError(await t.http.patch('/api/me').send({ name: 'Nobody' }), 401, 'UNAUTHORIZED');
  });

  it('updates the name, phone and default shipping address', async () => {
    const user = await t.createUser();
    const res = await updateMe(user, {
      name: '  Ada King ',
      phone: '+44 20 7946 0958',
      defaultShippingAddress: ADDRESS,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...(await getMe(user)),
      name: 'Ada King',
      phone: '+44 20 7946 0958',
      defaultShippingAddress: ADDRESS,
    });
    expect(await getMe(user)).toEqual(res.body);
  });

  it('accepts an address with only the required fields', async () => {
    const user = await t.createUser();
    const { line2: _l, region: _r, phone: _p, ...required } = ADDRESS;
    const res = await updateMe(user, { defaultShippingAddress: required }).expect(200);
    expect(res.body.defaultShippingAddress).toEqual(required);
  });

  it('leaves fields that are not sent unchanged', async () => {
    const user = await t.createUser({ name: 'Keeps' });
    await updateMe(user, { phone: '+1 555 0100', defaultShippingAddress: ADDRESS }).expect(200);
    const res = await updateMe(user, { name: 'Renamed' }).expect(200);
    expect(res.body).toMatchObject({
      name: 'Renamed',
      phone: '+1 555 0100',
      defaultShippingAddress: ADDRESS,
    });
    const empty = await updateMe(user, {}).expect(200);
    expect(empty.body).toEqual(res.body);
  });

  it('clears the phone and the address with null', async () => {
    const user = await t.createUser();
    await updateMe(user, { phone: '+1 555 0100', defaultShippingAddress: ADDRESS }).expect(200);
    const res = await updateMe(user, { phone: null, defaultShippingAddress: null }).expect(200);
    expect(res.body).toMatchObject({ phone: null, defaultShippingAddress: null });
    expect(await getMe(user)).toMatchObject({ phone: null, defaultShippingAddress: null });
  });

  it('replaces the whole address rather than merging it', async () => {
    const user = await t.createUser();
    await updateMe(user, { defaultShippingAddress: ADDRESS }).expect(200);
    const next = {
      fullName: 'Ada',
      line1: '1 Main St',
      city: 'Paris',
      postalCode: '75001',
      country: 'FR',
    };
    const res = await updateMe(user, { defaultShippingAddress: next }).expect(200);
    expect(res.body.defaultShippingAddress).toEqual(next);
  });

  it.each([
    ['a three-letter country', { country: 'GBR' }, 'defaultShippingAddress.country'],
    ['an unknown country', { country: 'XX' }, 'defaultShippingAddress.country'],
    ['a numeric country', { country: 44 }, 'defaultShippingAddress.country'],
    ['no fullName', { fullName: undefined }, 'defaultShippingAddress.fullName'],
    ['no line1', { line1: undefined }, 'defaultShippingAddress.line1'],
    ['a blank city', { city: '' }, 'defaultShippingAddress.city'],
    ['no postalCode', { postalCode: undefined }, 'defaultShippingAddress.postalCode'],
    ['no country', { country: undefined }, 'defaultShippingAddress.country'],
    ['an invalid phone', { phone: 'call me' }, 'defaultShippingAddress.phone'],
    ['an unknown field', { floor: 3 }, 'defaultShippingAddress.floor'],
  ])(
    'rejects an address with %s with 400 and leaves the profile unchanged',
    async (_, change, field) => {
      const user = await t.createUser();
      const res = await updateMe(user, { defaultShippingAddress: { ...ADDRESS, ...change } });
      expectFieldError(res, field);
      expect(await getMe(user)).toMatchObject({ defaultShippingAddress: null });
    },
  );

  it.each([
    ['a string', 'London'],
    ['an array', [ADDRESS]],
  ])('rejects an address that is %s with 400', async (_, defaultShippingAddress) => {
    const user = await t.createUser();
    expectFieldError(await updateMe(user, { defaultShippingAddress }), 'defaultShippingAddress');
  });

  it.each([
    ['letters', 'call me maybe'],
    ['too short', '123'],
    ['a number', 5550100],
  ])('rejects a phone that is %s with 400', async (_, phone) => {
    const user = await t.createUser();
    expectFieldError(await updateMe(user, { phone }), 'phone');
  });

  it.each([
    ['blank', '   '],
    ['too long', 'n'.repeat(121)],
    ['null', null],
  ])('rejects a name that is %s with 400', async (_, name) => {
    const user = await t.createUser({ name: 'Unchanged' });
    expectFieldError(await updateMe(user, { name }), 'name');
    expect(await getMe(user)).toMatchObject({ name: 'Unchanged' });
  });

  it.each([
    ['email', 'someone-else@example.test'],
    ['role', 'admin'],
    ['id', '00000000-0000-4000-8000-000000000000'],
    ['password', 'N3w-password!'],
  ])('rejects the field %s with 400 (no mass assignment)', async (field, value) => {
    const user = await t.createUser();
    expectFieldError(await updateMe(user, { [field]: value }), field);
    expect(await getMe(user)).toMatchObject({ email: user.email, role: 'customer', id: user.id });
  });
});
