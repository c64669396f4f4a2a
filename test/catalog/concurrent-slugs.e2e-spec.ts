import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { tally } from '../support/tally.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  type CatalogBuilders,
  catalogBuilders,
  uniqueSku,
  uniqueWord,
} from './catalog-builders.js';

const AT_ONCE = 10;

describe('slugs of items created at the same moment with the same name', () => {
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
    t.http
      .post(path)
      .set('Authorization', b.staff.auth)
      .send(body)
      .then((r) => r);

  /** Every item was created, each under a slug of its own that reads it back. */
  async function expectDistinctSlugs(path: string, responses: Response[], word: string) {
    const refused = responses
      .filter((r) => r.status !== 201)
      .map((r) => ({ status: r.status, body: r.body as unknown }));
    expect(refused).toEqual([]);
    expect(tally(responses)).toEqual({ 201: AT_ONCE });
    const created = responses.map((r) => r.body as { id: string; slug: string });
    expect(new Set(created.map((c) => c.slug)).size).toBe(AT_ONCE);
    for (const { id, slug } of created) {
      expect(slug).toMatch(new RegExp(`^same-name-${word}(-[0-9a-f]+)?$`));
      const read = await t.http.get(`${path}/${slug}`).set('Authorization', b.staff.auth);
      expect({ slug, status: read.status, id: read.body.id }).toEqual({ slug, status: 200, id });
    }
  }

  it(`gives ${AT_ONCE} products created at once with one name ${AT_ONCE} distinct slugs`, async () => {
    const category = await b.category();
    const word = uniqueWord();
    const responses = await Promise.all(
      Array.from({ length: AT_ONCE }, () =>
        create('/api/products', {
          name: `Same Name ${word}`,
          sku: uniqueSku(),
          price: 1000,
          categoryId: category.id,
        }),
      ),
    );
    await expectDistinctSlugs('/api/products', responses, word);
  });

  it.each(['/api/categories', '/api/brands'])(
    `gives ${AT_ONCE} items of %s created at once with one name ${AT_ONCE} distinct slugs`,
    async (path) => {
      const word = uniqueWord();
      const responses = await Promise.all(
        Array.from({ length: AT_ONCE }, () => create(path, { name: `Same Name ${word}` })),
      );
      await expectDistinctSlugs(path, responses, word);
    },
  );
});
