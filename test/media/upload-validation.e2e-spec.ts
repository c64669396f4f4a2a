import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type CatalogBuilders, catalogBuilders } from '../catalog/catalog-builders.js';
import { expectError } from '../catalog/catalog-expect.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { BMP, GIF, PNG } from './image-fixtures.js';
import { storedFiles, tempMediaDir, upload } from './media-support.js';

const MAX_BYTES = 4096;

/** Bad uploads: every one answers the one error shape and leaves nothing on disk. */
describe('image upload validation', () => {
  let t: TestApp;
  let b: CatalogBuilders;
  let path: string;
  const dir = tempMediaDir();

  beforeAll(async () => {
    t = await createTestApp({ MEDIA_DIR: dir, MEDIA_MAX_BYTES: String(MAX_BYTES) });
    b = await catalogBuilders(t);
    const category = await b.category();
    const product = await b.product({ categoryId: category.id });
    path = `/api/products/${product.id}/images`;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (data: Buffer, options?: Parameters<typeof upload>[5]) =>
    upload(t, 'post', path, b.staff.auth, data, options);

  it('refuses a .png that is really text (415), and stores nothing', async () => {
    const before = storedFiles(dir);
    const res = await send(Buffer.from('just some text pretending to be a picture\n'), {
      filename: 'photo.png',
      contentType: 'image/png',
    });
    expectError(res, 415, 'UNSUPPORTED_IMAGE_TYPE');
    expect(storedFiles(dir)).toEqual(before);
  });

  it.each([
    ['a BMP', BMP],
    [
      'an SVG',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ],
    ['HTML', Buffer.from('<!doctype html><script>alert(1)</script>')],
    ['an empty file', Buffer.alloc(0)],
  ])('refuses %s (415)', async (_name, data) => {
    expectError(
      await send(data, { filename: 'x.gif', contentType: 'image/gif' }),
      415,
      'UNSUPPORTED_IMAGE_TYPE',
    );
  });

  it('refuses a file that starts like a PNG but is not one (422)', async () => {
    const fake = Buffer.concat([PNG.subarray(0, 8), Buffer.from('garbage after the signature')]);
    expectError(await send(fake), 422, 'INVALID_IMAGE');
  });

  it('refuses a file over the configured size with 413, and stores nothing', async () => {
    const before = storedFiles(dir);
    // A real PNG with trailing bytes: valid by content, too large by size.
    const big = Buffer.concat([PNG, Buffer.alloc(MAX_BYTES * 4)]);
    const res = await send(big);
    const body = expectError(res, 413, 'IMAGE_TOO_LARGE');
    expect(body.details).toEqual({ maxBytes: MAX_BYTES });
    expect(storedFiles(dir)).toEqual(before);
  });

  it('stores a file named with a path traversal under a random name inside the media directory', async () => {
    const before = new Set(storedFiles(dir));
    const res = await send(PNG, { filename: '../../../../etc/passwd.png' }).expect(201);
    expect(res.body.url).toMatch(/^\/media\/[0-9a-f]{32}\.png$/);
    const added = storedFiles(dir).filter((f) => !before.has(f));
    expect(added).toEqual([res.body.url.slice('/media/'.length)]);
  });

  it.each([
    '/media/..%2F..%2Fpackage.json',
    '/media/%2e%2e%2fpackage.json',
    '/media/../package.json',
    '/media/package.json',
    '/media/0123456789abcdef0123456789abcdef.svg',
    '/media/0123456789abcdef0123456789abcdef.png',
  ])('answers 404 in the error shape for %s', async (url) => {
    const res = await t.http.get(url);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: expect.any(String) });
  });

  it('answers 415 to a JSON body on an upload route', async () => {
    const res = await t.http.post(path).set('Authorization', b.staff.auth).send({ file: 'x' });
    expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('keeps answering 415 to multipart bodies on JSON routes', async () => {
    const res = await t.http
      .post('/api/categories')
      .set('Authorization', b.staff.auth)
      .field('name', 'Sneaky');
    const body = expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(body.message).toMatch(/JSON/);
  });

  it('answers 404 to a multipart body sent to an unknown route', async () => {
    const res = await t.http.post('/api/nothing-here').field('a', 'b');
    expectError(res, 404, 'NOT_FOUND');
  });

  it('rejects form text PostgreSQL cannot store (400, not 500)', async () => {
    const res = await send(PNG, { fields: { altText: 'nul \u0000 inside' } });
    expectError(res, 400, 'VALIDATION_FAILED');
  });

  it('requires the file (400)', async () => {
    const res = await t.http
      .post(path)
      .set('Authorization', b.staff.auth)
      .field('altText', 'no file');
    expectError(res, 400, 'FILE_REQUIRED');
  });

  it('rejects unknown fields, a second file and a bad isPrimary (400)', async () => {
    expectError(await send(PNG, { fields: { colour: 'red' } }), 400, 'VALIDATION_FAILED');
    expectError(await send(PNG, { fields: { isPrimary: 'yes' } }), 400, 'VALIDATION_FAILED');
    const twoFiles = await t.http
      .post(path)
      .set('Authorization', b.staff.auth)
      .attach('file', PNG, 'a.png')
      .attach('file', GIF, 'b.gif');
    expectError(twoFiles, 400, 'VALIDATION_FAILED');
    const wrongField = await t.http
      .post(path)
      .set('Authorization', b.staff.auth)
      .attach('image', PNG, 'a.png');
    expectError(wrongField, 400, 'VALIDATION_FAILED');
  });

  it('rejects alt text over 200 characters (400)', async () => {
    const res = await send(PNG, { fields: { altText: 'a'.repeat(201) } });
    expectError(res, 400, 'VALIDATION_FAILED');
  });
});
