import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DefaultAddressProvider } from '@/profiles/default-address.provider.js';
import { expectError } from '../catalog/catalog-expect.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';

const ADDRESS = {
  fullName: 'Ada Lovelace',
  line1: '12 Analytical Row',
  city: 'London',
  postalCode: 'SW1A 1AA',
  country: 'gb',
};

interface SavedAddress {
  id: string;
  label: string | null;
  line2: string | null;
  isDefaultShipping: boolean;
  isDefaultBilling: boolean;
}

describe('address book', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const create = (user: TestUser, body: object = {}) =>
    t.http
      .post('/api/me/addresses')
      .set('Authorization', user.auth)
      .send({ ...ADDRESS, ...body });
  const list = async (user: TestUser): Promise<SavedAddress[]> =>
    (await t.http.get('/api/me/addresses').set('Authorization', user.auth).expect(200)).body
      .items as SavedAddress[];

  it('creates, reads, updates and deletes addresses; the first becomes both defaults', async () => {
    const user = await t.createUser();
    const home = (await create(user, { label: 'Home', line2: 'Flat 3' }).expect(201))
      .body as SavedAddress;
    expect(home).toMatchObject({
      label: 'Home',
      fullName: 'Ada Lovelace',
      line2: 'Flat 3',
      country: 'GB',
      region: null,
      phone: null,
      isDefaultShipping: true,
      isDefaultBilling: true,
    });
    const work = (await create(user, { label: 'Work' }).expect(201)).body as SavedAddress;
    expect(work).toMatchObject({ isDefaultShipping: false, isDefaultBilling: false });
    expect((await list(user)).map((a) => a.id)).toEqual([home.id, work.id]);

    const updated = await t.http
      .patch(`/api/me/addresses/${home.id}`)
      .set('Authorization', user.auth)
      .send({ city: 'Cambridge', line2: null, country: 'gb' })
      .expect(200);
    expect(updated.body).toMatchObject({ city: 'Cambridge', line2: null, country: 'GB' });
    await t.http.get(`/api/me/addresses/${home.id}`).set('Authorization', user.auth).expect(200);

    await t.http.delete(`/api/me/addresses/${work.id}`).set('Authorization', user.auth).expect(204);
    expectError(
      await t.http.get(`/api/me/addresses/${work.id}`).set('Authorization', user.auth),
      404,
      'NOT_FOUND',
    );
  });

  it('moves the default shipping and billing address', async () => {
    const user = await t.createUser();
    const a = (await create(user).expect(201)).body as SavedAddress;
    const b = (await create(user).expect(201)).body as SavedAddress;
    const res = await t.http
      .post(`/api/me/addresses/${b.id}/default-shipping`)
      .set('Authorization', user.auth)
      .expect(200);
    expect(res.body).toMatchObject({ id: b.id, isDefaultShipping: true, isDefaultBilling: false });
    const c = (await create(user, { isDefaultBilling: true }).expect(201)).body as SavedAddress;
    const flags = (await list(user)).map((x) => [x.id, x.isDefaultShipping, x.isDefaultBilling]);
    expect(flags).toEqual([
      [a.id, false, false],
      [b.id, true, false],
      [c.id, false, true],
    ]);
  });

  it.each([
    ['a three-letter country', { country: 'GBR' }, 'country'],
    ['no fullName', { fullName: undefined }, 'fullName'],
    ['a blank city', { city: '' }, 'city'],
    ['a bad phone', { phone: 'ring ring' }, 'phone'],
    ['a non-boolean default flag', { isDefaultShipping: 'yes' }, 'isDefaultShipping'],
    ['an unknown field', { userId: '00000000-0000-0000-0000-000000000000' }, 'userId'],
  ])('rejects an address with %s (400)', async (_name, body, field) => {
    const user = await t.createUser();
    const error = expectError(await create(user, body), 400, 'VALIDATION_FAILED');
    expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('refuses to clear a required field on update (400), and answers 400 to a non-uuid id', async () => {
    const user = await t.createUser();
    const a = (await create(user).expect(201)).body as SavedAddress;
    const res = await t.http
      .patch(`/api/me/addresses/${a.id}`)
      .set('Authorization', user.auth)
      .send({ fullName: null });
    expectError(res, 400, 'VALIDATION_FAILED');
    expectError(
      await t.http.get('/api/me/addresses/not-a-uuid').set('Authorization', user.auth),
      400,
      'BAD_REQUEST',
    );
  });

  it("answers 404 to another user's address on every operation, and changes nothing", async () => {
    const owner = await t.createUser();
    const intruder = await t.createUser();
    const a = (await create(owner).expect(201)).body as SavedAddress;
    const as = (req: ReturnType<typeof t.http.get>) => req.set('Authorization', intruder.auth);
    expectError(await as(t.http.get(`/api/me/addresses/${a.id}`)), 404, 'NOT_FOUND');
    expectError(
      await as(t.http.patch(`/api/me/addresses/${a.id}`)).send({ city: 'Paris' }),
      404,
      'NOT_FOUND',
    );
    expectError(await as(t.http.delete(`/api/me/addresses/${a.id}`)), 404, 'NOT_FOUND');
    expectError(
      await as(t.http.post(`/api/me/addresses/${a.id}/default-billing`)),
      404,
      'NOT_FOUND',
    );
    expect(await list(intruder)).toEqual([]);
    expect(await list(owner)).toEqual([
      expect.objectContaining({ id: a.id, city: 'London', isDefaultBilling: true }),
    ]);
    expectError(await t.http.get('/api/me/addresses'), 401, 'UNAUTHORIZED');
  });

  it('keeps exactly one default under concurrent set-default calls', async () => {
    const user = await t.createUser();
    const ids: string[] = [];
    for (let i = 0; i < 8; i += 1)
      ids.push(((await create(user).expect(201)).body as SavedAddress).id);
    const calls = ids.flatMap((id) => [
      t.http.post(`/api/me/addresses/${id}/default-shipping`).set('Authorization', user.auth),
      t.http.post(`/api/me/addresses/${id}/default-billing`).set('Authorization', user.auth),
    ]);
    const results = await Promise.all(calls);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    const rows = await t.dataSource.query<Array<{ shipping: string; billing: string }>>(
      `SELECT count(*) FILTER (WHERE is_default_shipping) AS shipping,
              count(*) FILTER (WHERE is_default_billing) AS billing
         FROM user_addresses WHERE user_id = $1`,
      [user.id],
    );
    expect(rows[0]).toEqual({ shipping: '1', billing: '1' });
  });

  it('keeps exactly one default when addresses are created concurrently as defaults', async () => {
    const user = await t.createUser();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => create(user, { isDefaultShipping: true })),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    const all = await list(user);
    expect(all).toHaveLength(10);
    expect(all.filter((a) => a.isDefaultShipping)).toHaveLength(1);
    expect(all.filter((a) => a.isDefaultBilling)).toHaveLength(1);
  });

  it('gives checkout the default addresses, falling back to the account shipping address', async () => {
    const provider = t.app.get(DefaultAddressProvider);
    const manager = t.dataSource.manager;
    const user = await t.createUser();
    expect(await provider.getDefaultAddresses(user.id, manager)).toEqual({
      shipping: null,
      billing: null,
    });

    const legacy = { ...ADDRESS, country: 'FR', fullName: 'Legacy' };
    await t.http
      .patch('/api/me')
      .set('Authorization', user.auth)
      .send({ defaultShippingAddress: legacy })
      .expect(200);
    expect(await provider.getDefaultAddresses(user.id, manager)).toEqual({
      shipping: { ...legacy },
      billing: null,
    });

    await create(user, { region: 'Greater London', phone: '+44 20 7946 0958' }).expect(201);
    const billing = (
      await create(user, { fullName: 'Billing Person', isDefaultBilling: true }).expect(201)
    ).body as SavedAddress;
    expect(billing.isDefaultBilling).toBe(true);
    expect(await provider.getDefaultAddresses(user.id, manager)).toEqual({
      shipping: {
        fullName: 'Ada Lovelace',
        line1: '12 Analytical Row',
        city: 'London',
        region: 'Greater London',
        postalCode: 'SW1A 1AA',
        country: 'GB',
        phone: '+44 20 7946 0958',
      },
      billing: {
        fullName: 'Billing Person',
        line1: '12 Analytical Row',
        city: 'London',
        postalCode: 'SW1A 1AA',
        country: 'GB',
      },
    });
  });

  it('limits the address book to 50 entries (409)', async () => {
    const user = await t.createUser();
    await t.dataSource.query(
      `INSERT INTO user_addresses (user_id, full_name, line1, city, postal_code, country)
         SELECT $1, 'X', 'Y', 'Z', '1', 'GB' FROM generate_series(1, 50)`,
      [user.id],
    );
    expectError(await create(user), 409, 'ADDRESS_BOOK_FULL');
  });
});
