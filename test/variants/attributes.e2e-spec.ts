import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { uniqueWord } from '../catalog/catalog-builders.js';
import { expectError, expectFieldError, ISO_DATE, UUID } from '../catalog/catalog-expect.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { type AttributeView, type VariantBuilders, variantBuilders } from './variant-builders.js';

const UNKNOWN_ID = '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';

describe('attributes and values: staff CRUD', () => {
  let t: TestApp;
  let b: VariantBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    b = await variantBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const staff = () => ({ Authorization: b.staff.auth });

  it('creates an attribute with values: 201, slugs from the names, values in order', async () => {
    const word = uniqueWord();
    const res = await t.http
      .post('/api/attributes')
      .set(staff())
      .send({ name: `Color ${word}`, position: 2, values: ['Red', ' Sky Blue ', 'XL'] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      slug: `color-${word}`,
      name: `Color ${word}`,
      position: 2,
      values: [
        { id: expect.stringMatching(UUID), slug: 'red', value: 'Red', position: 0 },
        { id: expect.stringMatching(UUID), slug: 'sky-blue', value: 'Sky Blue', position: 1 },
        { id: expect.stringMatching(UUID), slug: 'xl', value: 'XL', position: 2 },
      ],
      createdAt: expect.stringMatching(ISO_DATE),
      updatedAt: expect.stringMatching(ISO_DATE),
    });
    // Readable by anyone, by slug or id.
    const bySlug = await t.http.get(`/api/attributes/color-${word}`).expect(200);
    expect(bySlug.body).toEqual(res.body);
    await t.http.get(`/api/attributes/${(res.body as AttributeView).id}`).expect(200);
    const list = await t.http.get('/api/attributes').expect(200);
    expect((list.body as { items: AttributeView[] }).items).toContainEqual(res.body);
  });

  it('renames attributes and values: 200, the slugs stay', async () => {
    const attribute = await b.attribute(['Small']);
    const renamed = await t.http
      .patch(`/api/attributes/${attribute.slug}`)
      .set(staff())
      .send({ name: `Renamed ${uniqueWord()}` })
      .expect(200);
    expect(renamed.body).toMatchObject({ id: attribute.id, slug: attribute.slug });
    const value = await t.http
      .patch(`/api/attributes/${attribute.id}/values/small`)
      .set(staff())
      .send({ value: 'Petite', position: 4 })
      .expect(200);
    expect((value.body as AttributeView).values).toEqual([
      { id: b.valueId(attribute, 'Small'), slug: 'small', value: 'Petite', position: 4 },
    ]);
    // An empty body changes nothing.
    await t.http.patch(`/api/attributes/${attribute.id}`).set(staff()).send({}).expect(200);
  });

  it('adds and deletes values', async () => {
    const attribute = await b.attribute(['S']);
    const added = await t.http
      .post(`/api/attributes/${attribute.slug}/values`)
      .set(staff())
      .send({ value: 'M', position: 1 })
      .expect(201);
    expect((added.body as AttributeView).values.map((v) => v.slug)).toEqual(['s', 'm']);
    await t.http.delete(`/api/attributes/${attribute.slug}/values/m`).set(staff()).expect(204);
    await t.http.delete(`/api/attributes/${attribute.slug}/values/m`).set(staff()).expect(404);
    const after = await t.http.get(`/api/attributes/${attribute.id}`).expect(200);
    expect((after.body as AttributeView).values.map((v) => v.slug)).toEqual(['s']);
  });

  it('deletes an unused attribute with its values', async () => {
    const attribute = await b.attribute(['One', 'Two']);
    await t.http.delete(`/api/attributes/${attribute.id}`).set(staff()).expect(204);
    await t.http.get(`/api/attributes/${attribute.id}`).expect(404);
  });

  it('refuses a duplicate attribute name or value, in any case: 409', async () => {
    const attribute = await b.attribute(['Red']);
    expectError(
      await t.http
        .post('/api/attributes')
        .set(staff())
        .send({ name: attribute.name.toUpperCase() }),
      409,
      'ATTRIBUTE_NAME_TAKEN',
    );
    const other = await b.attribute([]);
    expectError(
      await t.http.patch(`/api/attributes/${other.id}`).set(staff()).send({ name: attribute.name }),
      409,
      'ATTRIBUTE_NAME_TAKEN',
    );
    expectError(
      await t.http
        .post(`/api/attributes/${attribute.id}/values`)
        .set(staff())
        .send({ value: 'rED' }),
      409,
      'ATTRIBUTE_VALUE_TAKEN',
    );
    expectFieldError(
      await t.http
        .post('/api/attributes')
        .set(staff())
        .send({ name: `Dup ${uniqueWord()}`, values: ['Red', 'red'] }),
      'values',
    );
  });

  it('refuses a value or attribute a variant uses: 409', async () => {
    const attribute = await b.attribute(['Red', 'Blue']);
    const category = await b.category();
    const product = await b.product({ categoryId: category.id });
    await b.variant(product.id, { attributeValueIds: [b.valueId(attribute, 'Red')] });
    expectError(
      await t.http.delete(`/api/attributes/${attribute.id}/values/red`).set(staff()),
      409,
      'ATTRIBUTE_VALUE_IN_USE',
    );
    const inUse = expectError(
      await t.http.delete(`/api/attributes/${attribute.id}`).set(staff()),
      409,
      'ATTRIBUTE_IN_USE',
    );
    expect(inUse.details).toEqual({ variantCount: 1 });
    // An unused value of it can go.
    await t.http.delete(`/api/attributes/${attribute.id}/values/blue`).set(staff()).expect(204);
  });

  it('validates bodies: 400 with field details, unknown fields rejected', async () => {
    expectFieldError(await t.http.post('/api/attributes').set(staff()).send({}), 'name');
    expectFieldError(
      await t.http
        .post('/api/attributes')
        .set(staff())
        .send({ name: 'x'.repeat(61) }),
      'name',
    );
    expectFieldError(
      await t.http
        .post('/api/attributes')
        .set(staff())
        .send({ name: `A ${uniqueWord()}`, position: -1 }),
      'position',
    );
    expectFieldError(
      await t.http
        .post('/api/attributes')
        .set(staff())
        .send({ name: `A ${uniqueWord()}`, slug: 'x' }),
      'slug',
    );
    const attribute = await b.attribute([]);
    expectFieldError(
      await t.http.patch(`/api/attributes/${attribute.id}`).set(staff()).send({ name: null }),
      'name',
    );
    expectFieldError(
      await t.http
        .patch(`/api/attributes/${attribute.id}`)
        .set(staff())
        .send({ values: ['A'] }),
      'values',
    );
    expectFieldError(
      await t.http.post(`/api/attributes/${attribute.id}/values`).set(staff()).send({ value: '' }),
      'value',
    );
  });

  it('answers 404 for unknown attributes and values', async () => {
    await t.http.get(`/api/attributes/${UNKNOWN_ID}`).expect(404);
    await t.http.get('/api/attributes/no-such-attribute').expect(404);
    await t.http
      .patch(`/api/attributes/${UNKNOWN_ID}`)
      .set(staff())
      .send({ name: 'X' })
      .expect(404);
    const attribute = await b.attribute(['A']);
    expectError(
      await t.http
        .patch(`/api/attributes/${attribute.id}/values/${UNKNOWN_ID}`)
        .set(staff())
        .send({ value: 'B' }),
      404,
      'NOT_FOUND',
    );
  });

  it('lets only staff write: customers 403, anonymous 401', async () => {
    const attribute = await b.attribute(['A']);
    const customer = { Authorization: b.customer.auth };
    const writes = [
      () => t.http.post('/api/attributes').send({ name: `X ${uniqueWord()}` }),
      () => t.http.patch(`/api/attributes/${attribute.id}`).send({ name: 'Y' }),
      () => t.http.delete(`/api/attributes/${attribute.id}`),
      () => t.http.post(`/api/attributes/${attribute.id}/values`).send({ value: 'B' }),
      () => t.http.patch(`/api/attributes/${attribute.id}/values/a`).send({ value: 'C' }),
      () => t.http.delete(`/api/attributes/${attribute.id}/values/a`),
    ];
    for (const write of writes) {
      expectError(await write().set(customer), 403, 'FORBIDDEN');
      expectError(await write(), 401, 'UNAUTHORIZED');
    }
    const unchanged = await t.http.get(`/api/attributes/${attribute.id}`).expect(200);
    expect(unchanged.body).toEqual(attribute);
  });
});
