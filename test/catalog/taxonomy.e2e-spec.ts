import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { type CatalogBuilders, catalogBuilders, uniqueWord } from './catalog-builders.js';
import { expectError, expectFieldError, ISO_DATE, UUID } from './catalog-expect.js';

const UNKNOWN_ID = '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';

/** Categories and brands behave alike: one table of differences drives the shared tests. */
const KINDS = [
  {
    kind: 'category',
    path: '/api/categories',
    inUseCode: 'CATEGORY_IN_USE',
    ref: 'categoryId',
    extra: { imageUrl: null, parentId: null },
  },
  {
    kind: 'brand',
    path: '/api/brands',
    inUseCode: 'BRAND_IN_USE',
    ref: 'brandId',
    extra: { logoUrl: null, website: null },
  },
] as const;

describe('categories and brands', () => {
  let t: TestApp;
  let b: CatalogBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    b = await catalogBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const create = (path: string, body: object) =>
    t.http.post(path).set('Authorization', b.staff.auth).send(body);

  /** A product pointing at the category or brand `id` (a fresh category when it is a brand). */
  const productOf = async (ref: 'categoryId' | 'brandId', id: string, isActive = true) =>
    ref === 'categoryId'
      ? b.product({ categoryId: id, isActive })
      : b.product({ categoryId: (await b.category()).id, brandId: id, isActive });

  describe.each(KINDS)('$kind', ({ kind, path, inUseCode, ref, extra }) => {
    it(`creates a ${kind} as staff: 201 with the resource and a slug from the name`, async () => {
      const word = uniqueWord();
      const res = await create(path, { name: `  Trail & Road ${word} `, description: 'Desc' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        slug: `trail-and-road-${word}`,
        name: `Trail & Road ${word}`,
        description: 'Desc',
        ...extra,
        isActive: true,
        productCount: 0,
        createdAt: expect.stringMatching(ISO_DATE),
        updatedAt: expect.stringMatching(ISO_DATE),
      });
      const read = await t.http.get(`${path}/${res.body.slug}`).expect(200);
      expect(read.body).toEqual(res.body);
    });

    it(`gives a second ${kind} of the same name a suffixed slug`, async () => {
      const name = `Same Name ${uniqueWord()}`;
      const first = await create(path, { name }).expect(201);
      const second = await create(path, { name }).expect(201);
      const third = await create(path, { name: name.toUpperCase() }).expect(201);
      expect(second.body.slug).toBe(`${first.body.slug}-2`);
      expect(third.body.slug).toBe(`${first.body.slug}-3`);
    });

    it(`updates a ${kind} as staff: 200 with the resource, the slug stays on rename`, async () => {
      const created = await create(path, { name: `Before ${uniqueWord()}` }).expect(201);
      const name = `After ${uniqueWord()}`;
      const res = await t.http
        .patch(`${path}/${created.body.id}`)
        .set('Authorization', b.staff.auth)
        .send({ name, description: 'Now described' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        ...created.body,
        name,
        description: 'Now described',
        updatedAt: expect.stringMatching(ISO_DATE),
      });
      const read = await t.http.get(`${path}/${created.body.slug}`).expect(200);
      expect(read.body).toMatchObject({ id: created.body.id, name, slug: created.body.slug });
    });

    it(`deletes an unused ${kind}: 204, then 404`, async () => {
      const created = await create(path, { name: `Doomed ${uniqueWord()}` }).expect(201);
      const res = await t.http
        .delete(`${path}/${created.body.id}`)
        .set('Authorization', b.staff.auth);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectError(await t.http.get(`${path}/${created.body.slug}`), 404, 'NOT_FOUND');
      expectError(
        await t.http.delete(`${path}/${created.body.id}`).set('Authorization', b.staff.auth),
        404,
        'NOT_FOUND',
      );
    });

    it(`refuses to delete a ${kind} that has products with 409, even inactive ones`, async () => {
      const created = await create(path, { name: `Busy ${uniqueWord()}` }).expect(201);
      await productOf(ref, created.body.id, false);
      const res = await t.http
        .delete(`${path}/${created.body.id}`)
        .set('Authorization', b.staff.auth);
      const body = expectError(res, 409, inUseCode);
      expect(body.details).toEqual({ productCount: 1 });
      await t.http.get(`${path}/${created.body.slug}`).expect(200);
    });

    it(`rejects ${kind} writes from a customer with 403 and without a token with 401`, async () => {
      const created = await create(path, { name: `Guarded ${uniqueWord()}` }).expect(201);
      const item = `${path}/${created.body.id}`;
      const body = { name: `Nope ${uniqueWord()}` };
      const customer = b.customer.auth;
      expectError(
        await t.http.post(path).set('Authorization', customer).send(body),
        403,
        'FORBIDDEN',
      );
      expectError(
        await t.http.patch(item).set('Authorization', customer).send(body),
        403,
        'FORBIDDEN',
      );
      expectError(await t.http.delete(item).set('Authorization', customer), 403, 'FORBIDDEN');
      expectError(await t.http.post(path).send(body), 401, 'UNAUTHORIZED');
      expectError(await t.http.patch(item).send(body), 401, 'UNAUTHORIZED');
      expectError(await t.http.delete(item), 401, 'UNAUTHORIZED');
      const read = await t.http.get(`${path}/${created.body.slug}`).expect(200);
      expect(read.body.name).toBe(created.body.name);
    });

    it.each([
      ['an empty name', { name: '' }, 'name'],
      ['a blank name', { name: '   ' }, 'name'],
      ['a name over 120 characters', { name: 'n'.repeat(121) }, 'name'],
      ['a non-boolean isActive', { name: 'Valid', isActive: 'yes' }, 'isActive'],
      ['an unknown field', { name: 'Valid', slug: 'chosen-slug' }, 'slug'],
    ])(`rejects a ${kind} with %s with 400`, async (_, body, field) => {
      expectFieldError(await create(path, body), field);
    });

    it(`addresses a ${kind} by id or by slug; one matching neither is 404`, async () => {
      const created = await create(path, { name: `Addressed ${uniqueWord()}` }).expect(201);
      const { id, slug } = created.body as { id: string; slug: string };
      const auth = b.staff.auth;
      const byId = await t.http.get(`${path}/${id}`).expect(200);
      expect(byId.body).toEqual(created.body);
      const renamed = await t.http
        .patch(`${path}/${slug}`)
        .set('Authorization', auth)
        .send({ name: `Renamed ${uniqueWord()}` })
        .expect(200);
      expect(renamed.body).toMatchObject({ id, slug });
      const patch = (ref: string) => t.http.patch(`${path}/${ref}`).set('Authorization', auth);
      expectError(await patch(`no-such-${uniqueWord()}`).send({ name: 'X' }), 404, 'NOT_FOUND');
      expectError(await patch(UNKNOWN_ID).send({ name: 'X' }), 404, 'NOT_FOUND');
      expectError(await t.http.delete(`${path}/42`).set('Authorization', auth), 404, 'NOT_FOUND');
      await t.http.delete(`${path}/${slug}`).set('Authorization', auth).expect(204);
      expectError(await t.http.get(`${path}/${id}`), 404, 'NOT_FOUND');
    });

    it(`lists only active ${kind} items, by name, with active product counts`, async () => {
      const word = uniqueWord();
      const zulu = await create(path, { name: `Zulu ${word}` }).expect(201);
      const alpha = await create(path, { name: `Alpha ${word}` }).expect(201);
      const hidden = await create(path, { name: `Mike ${word}`, isActive: false }).expect(201);
      await productOf(ref, alpha.body.id);
      await productOf(ref, alpha.body.id);
      await productOf(ref, alpha.body.id, false);
      const res = await t.http.get(path).expect(200);
      expect(Object.keys(res.body as object)).toEqual(['items']);
      const items = res.body.items as Array<{ id: string; isActive: boolean }>;
      expect(items.every((item) => item.isActive)).toBe(true);
      const mine = items.filter((item) =>
        [zulu.body.id, alpha.body.id, hidden.body.id].includes(item.id),
      );
      expect(mine).toEqual([
        { ...alpha.body, productCount: 2 },
        { ...zulu.body, productCount: 0 },
      ]);
    });

    it(`shows an inactive ${kind} to staff only`, async () => {
      const hidden = await create(path, { name: `Hidden ${uniqueWord()}`, isActive: false });
      expect(hidden.status).toBe(201);
      const slug = hidden.body.slug as string;
      expectError(await t.http.get(`${path}/${slug}`), 404, 'NOT_FOUND');
      expectError(
        await t.http.get(`${path}/${slug}`).set('Authorization', b.customer.auth),
        404,
        'NOT_FOUND',
      );
      expectError(await t.http.get(`${path}/${slug}/products`), 404, 'NOT_FOUND');
      const staffRead = await t.http.get(`${path}/${slug}`).set('Authorization', b.staff.auth);
      expect(staffRead.status).toBe(200);
      expect(staffRead.body).toMatchObject({ id: hidden.body.id, isActive: false });
      const staffList = await t.http
        .get(`${path}?includeInactive=true`)
        .set('Authorization', b.staff.auth)
        .expect(200);
      expect(staffList.body.items.map((i: { id: string }) => i.id)).toContain(hidden.body.id);
      const customerList = await t.http
        .get(`${path}?includeInactive=true`)
        .set('Authorization', b.customer.auth)
        .expect(200);
      expect(customerList.body.items.map((i: { id: string }) => i.id)).not.toContain(
        hidden.body.id,
      );
    });

    it(`answers 404 for an unknown ${kind} slug and its product list`, async () => {
      const slug = `no-such-${kind}-${uniqueWord()}`;
      expectError(await t.http.get(`${path}/${slug}`), 404, 'NOT_FOUND');
      expectError(await t.http.get(`${path}/${slug}/products`), 404, 'NOT_FOUND');
      expectError(
        await t.http.get(`${path}/${slug}/products`).set('Authorization', b.staff.auth),
        404,
        'NOT_FOUND',
      );
    });
  });

  describe('category tree', () => {
    it('creates a subcategory under an existing parent', async () => {
      const parent = await b.category();
      const child = await b.category({ parentId: parent.id });
      expect(child.parentId).toBe(parent.id);
    });

    it('rejects an unknown parentId with 400 on the field', async () => {
      const res = await create('/api/categories', {
        name: `Orphan ${uniqueWord()}`,
        parentId: UNKNOWN_ID,
      });
      expectFieldError(res, 'parentId');
    });

    it('rejects making a category its own ancestor with 400', async () => {
      const parent = await b.category();
      const child = await b.category({ parentId: parent.id });
      const res = await t.http
        .patch(`/api/categories/${parent.id}`)
        .set('Authorization', b.staff.auth)
        .send({ parentId: child.id });
      expectFieldError(res, 'parentId');
    });

    it('refuses to delete a category with subcategories with 409', async () => {
      const parent = await b.category();
      await b.category({ parentId: parent.id });
      const res = await t.http
        .delete(`/api/categories/${parent.id}`)
        .set('Authorization', b.staff.auth);
      expectError(res, 409, 'CATEGORY_HAS_CHILDREN');
    });
  });
});
