import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MediaService } from '@/media/media.service.js';
import { type CatalogBuilders, catalogBuilders } from '../catalog/catalog-builders.js';
import { expectError, UUID } from '../catalog/catalog-expect.js';
import { isolatedRedisUrl } from '../support/redis.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { GIF, JPEG, PNG, WEBP } from './image-fixtures.js';
import { eventually, keyOf, pixelsOf, storedFiles, tempMediaDir, upload } from './media-support.js';

interface ImageView {
  id: string;
  url: string;
  altText: string;
  isPrimary: boolean;
  sortOrder: number;
  contentType: string;
  byteSize: number;
  width: number;
  height: number;
  createdAt: string;
}

describe('catalog images', () => {
  let t: TestApp;
  let b: CatalogBuilders;
  const dir = tempMediaDir();

  beforeAll(async () => {
    // A Redis database of its own (see test/catalog/catalog-cache-support.ts: isolatedRedisUrl).
    t = await createTestApp({ MEDIA_DIR: dir, REDIS_URL: isolatedRedisUrl(7) });
    b = await catalogBuilders(t);
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const uploadTo = (path: string, data: Buffer, fields?: Record<string, string>) =>
    upload(t, 'post', path, b.staff.auth, data, { fields });

  async function newProduct(): Promise<{ id: string; slug: string }> {
    const category = await b.category();
    return b.product({ categoryId: category.id });
  }

  it('stores a product image, serves it under /media and shows it on the product', async () => {
    const product = await newProduct();
    const res = await uploadTo(`/api/products/${product.id}/images`, PNG, {
      altText: 'The logo',
    }).expect(201);
    const image = res.body as ImageView;
    expect(image).toEqual({
      id: expect.stringMatching(UUID),
      url: expect.stringMatching(/^\/media\/[0-9a-f]{32}\.png$/),
      altText: 'The logo',
      isPrimary: true,
      sortOrder: 0,
      contentType: 'image/png',
      byteSize: expect.any(Number),
      width: 16,
      height: 16,
      createdAt: expect.any(String),
    });
    // Stored re-encoded without metadata (test/media/upload-safety): the upload's pixels, the
    // stored file's size, and served exactly as stored.
    const stored = readFileSync(join(dir, keyOf(image.url)));
    expect(image.byteSize).toBe(stored.length);
    expect(await pixelsOf(stored)).toEqual(await pixelsOf(PNG));

    const served = await t.http.get(image.url).buffer(true).expect(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.from(served.body as Buffer)).toEqual(stored);

    const detail = await t.http.get(`/api/products/${product.slug}`).expect(200);
    expect(detail.body.images).toEqual([{ url: image.url, alt: 'The logo' }]);
  });

  it.each([
    ['JPEG', JPEG, 'image/jpeg', 'jpg'],
    ['PNG', PNG, 'image/png', 'png'],
    ['GIF', GIF, 'image/gif', 'gif'],
    ['WebP', WEBP, 'image/webp', 'webp'],
  ])(
    'recognises a %s by its content, whatever its name and part type say',
    async (_n, data, type, ext) => {
      const product = await newProduct();
      const res = await upload(
        t,
        'post',
        `/api/products/${product.id}/images`,
        b.staff.auth,
        data,
        {
          filename: 'misleading.txt',
          contentType: 'text/plain',
        },
      ).expect(201);
      expect(res.body).toMatchObject({ contentType: type, width: 16, height: 16 });
      expect((res.body as ImageView).url).toMatch(new RegExp(`\\.${ext}$`));
      const served = await t.http.get((res.body as ImageView).url).expect(200);
      expect(served.headers['content-type']).toBe(type);
    },
  );

  it('makes a later upload primary on request, and the product shows the primary first', async () => {
    const product = await newProduct();
    const first = (await uploadTo(`/api/products/${product.id}/images`, PNG).expect(201))
      .body as ImageView;
    const second = (
      await uploadTo(`/api/products/${product.id}/images`, GIF, { isPrimary: 'true' }).expect(201)
    ).body as ImageView;
    expect(second).toMatchObject({ isPrimary: true, sortOrder: 1 });
    const list = await t.http
      .get(`/api/products/${product.id}/images`)
      .set('Authorization', b.staff.auth)
      .expect(200);
    expect((list.body.items as ImageView[]).map((i) => [i.id, i.isPrimary])).toEqual([
      [second.id, true],
      [first.id, false],
    ]);
    const detail = await t.http.get(`/api/products/${product.slug}`).expect(200);
    expect(detail.body.images.map((i: { url: string }) => i.url)).toEqual([second.url, first.url]);
  });

  it('changes alt text and the primary image, and reorders', async () => {
    const product = await newProduct();
    const path = `/api/products/${product.id}/images`;
    const a = (await uploadTo(path, PNG).expect(201)).body as ImageView;
    const c = (await uploadTo(path, GIF).expect(201)).body as ImageView;
    const d = (await uploadTo(path, JPEG).expect(201)).body as ImageView;

    const patched = await t.http
      .patch(`${path}/${d.id}`)
      .set('Authorization', b.staff.auth)
      .send({ altText: 'Side view', isPrimary: true })
      .expect(200);
    expect(patched.body).toMatchObject({ id: d.id, altText: 'Side view', isPrimary: true });

    const reordered = await t.http
      .put(`${path}/order`)
      .set('Authorization', b.staff.auth)
      .send({ imageIds: [c.id, a.id, d.id] })
      .expect(200);
    // The primary first, then the new order.
    expect((reordered.body.items as ImageView[]).map((i) => [i.id, i.sortOrder])).toEqual([
      [d.id, 2],
      [c.id, 0],
      [a.id, 1],
    ]);
    const detail = await t.http.get(`/api/products/${product.slug}`).expect(200);
    expect(detail.body.images).toEqual([
      { url: d.url, alt: 'Side view' },
      { url: c.url, alt: '' },
      { url: a.url, alt: '' },
    ]);

    const partial = await t.http
      .put(`${path}/order`)
      .set('Authorization', b.staff.auth)
      .send({ imageIds: [c.id, a.id] });
    expectError(partial, 400, 'VALIDATION_FAILED');
  });

  it('deletes an image and its file; the next image becomes primary', async () => {
    const product = await newProduct();
    const path = `/api/products/${product.id}/images`;
    const a = (await uploadTo(path, PNG).expect(201)).body as ImageView;
    const c = (await uploadTo(path, GIF).expect(201)).body as ImageView;
    await t.http.delete(`${path}/${a.id}`).set('Authorization', b.staff.auth).expect(204);
    await eventually(() => !existsSync(join(dir, keyOf(a.url))));
    expect(existsSync(join(dir, keyOf(c.url)))).toBe(true);
    await t.http.get(a.url).expect(404);
    const list = await t.http.get(path).set('Authorization', b.staff.auth).expect(200);
    expect(list.body.items).toEqual([expect.objectContaining({ id: c.id, isPrimary: true })]);
    const detail = await t.http.get(`/api/products/${product.slug}`).expect(200);
    expect(detail.body.images).toEqual([{ url: c.url, alt: '' }]);
    const again = await t.http.delete(`${path}/${a.id}`).set('Authorization', b.staff.auth);
    expectError(again, 404, 'NOT_FOUND');
  });

  it('keeps uploaded images when staff replace the external images of a product', async () => {
    const product = await newProduct();
    const image = (await uploadTo(`/api/products/${product.id}/images`, PNG).expect(201))
      .body as ImageView;
    const external = { url: 'https://cdn.example.com/x.jpg', alt: 'External' };
    const res = await t.http
      .patch(`/api/products/${product.id}`)
      .set('Authorization', b.staff.auth)
      .send({ images: [external] })
      .expect(200);
    expect(res.body.images).toEqual([{ url: image.url, alt: '' }, external]);
  });

  it('invalidates the cached product detail and list', async () => {
    const product = await newProduct();
    await t.http.get(`/api/products/${product.slug}`).expect(200);
    const cached = await t.http.get(`/api/products/${product.slug}`).expect(200);
    expect(cached.headers['x-cache']).toBe('HIT');
    const image = (await uploadTo(`/api/products/${product.id}/images`, PNG).expect(201))
      .body as ImageView;
    const fresh = await t.http.get(`/api/products/${product.slug}`).expect(200);
    expect(fresh.body.images).toEqual([{ url: image.url, alt: '' }]);
  });

  it('shows the primary uploaded image as the category image and the brand logo', async () => {
    const category = await b.category();
    const brand = await b.brand();
    const catImage = (await uploadTo(`/api/categories/${category.slug}/images`, PNG).expect(201))
      .body as ImageView;
    const brandImage = (await uploadTo(`/api/brands/${brand.id}/images`, WEBP).expect(201))
      .body as ImageView;
    expect((await t.http.get(`/api/categories/${category.slug}`).expect(200)).body.imageUrl).toBe(
      catImage.url,
    );
    expect((await t.http.get(`/api/brands/${brand.slug}`).expect(200)).body.logoUrl).toBe(
      brandImage.url,
    );
    await t.http
      .delete(`/api/brands/${brand.id}/images/${brandImage.id}`)
      .set('Authorization', b.staff.auth)
      .expect(204);
    expect((await t.http.get(`/api/brands/${brand.slug}`).expect(200)).body.logoUrl).toBeNull();
  });

  it('queues the files of a deleted product, and the sweep removes them', async () => {
    const product = await newProduct();
    const image = (await uploadTo(`/api/products/${product.id}/images`, PNG).expect(201))
      .body as ImageView;
    await t.http
      .delete(`/api/products/${product.id}`)
      .set('Authorization', b.staff.auth)
      .expect(204);
    const queued = await t.dataSource.query<unknown[]>(
      'SELECT 1 FROM media_deletions WHERE storage_key = $1',
      [keyOf(image.url)],
    );
    expect(queued).toHaveLength(1);
    await t.app.get(MediaService).purge();
    expect(existsSync(join(dir, keyOf(image.url)))).toBe(false);
  });

  it('answers 404 for an unknown owner, and for an image of another product', async () => {
    const one = await newProduct();
    const other = await newProduct();
    const image = (await uploadTo(`/api/products/${one.id}/images`, PNG).expect(201))
      .body as ImageView;
    expectError(await uploadTo('/api/products/no-such-product/images', PNG), 404, 'NOT_FOUND');
    const res = await t.http
      .patch(`/api/products/${other.id}/images/${image.id}`)
      .set('Authorization', b.staff.auth)
      .send({ altText: 'stolen' });
    expectError(res, 404, 'NOT_FOUND');
  });

  it('keeps one primary image and distinct positions under concurrent uploads', async () => {
    const product = await newProduct();
    const path = `/api/products/${product.id}/images`;
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        uploadTo(path, PNG, i % 2 === 0 ? { isPrimary: 'true' } : undefined),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    const list = await t.http.get(path).set('Authorization', b.staff.auth).expect(200);
    const items = list.body.items as ImageView[];
    expect(items.filter((i) => i.isPrimary)).toHaveLength(1);
    expect(items.map((i) => i.sortOrder).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const detail = await t.http.get(`/api/products/${product.slug}`).expect(200);
    expect(detail.body.images.map((i: { url: string }) => i.url)).toEqual(items.map((i) => i.url));
  });

  it('refuses a 21st image with 409 and leaves no file behind', async () => {
    const product = await newProduct();
    await t.dataSource.query(
      `INSERT INTO catalog_images (product_id, storage_key, content_type, byte_size, width, height, sort_order)
         SELECT $1, md5(random()::text) || '.png', 'image/png', 1, 1, 1, n FROM generate_series(0, 19) n`,
      [product.id],
    );
    const before = storedFiles(dir);
    const res = await uploadTo(`/api/products/${product.id}/images`, PNG);
    expectError(res, 409, 'TOO_MANY_IMAGES');
    expect(storedFiles(dir)).toEqual(before);
  });

  it('lets only staff manage images', async () => {
    const product = await newProduct();
    const path = `/api/products/${product.id}/images`;
    expectError(await upload(t, 'post', path, b.customer.auth, PNG), 403, 'FORBIDDEN');
    expectError(await upload(t, 'post', path, undefined, PNG), 401, 'UNAUTHORIZED');
    expectError(await t.http.get(path).set('Authorization', b.customer.auth), 403, 'FORBIDDEN');
  });
});
