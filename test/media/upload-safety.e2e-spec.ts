import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { type CatalogBuilders, catalogBuilders } from '../catalog/catalog-builders.js';
import { expectError } from '../catalog/catalog-expect.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import { animatedGif, JPEG, PHONE_MAKE, phonePhoto, PNG, pngBomb } from './image-fixtures.js';
import { keyOf, storedFiles, tempMediaDir, upload } from './media-support.js';

const EXIF_MARKER = Buffer.from('Exif\0\0', 'latin1');

/** The red, green and blue of the pixel at (x, y). */
async function pixel(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [...data.subarray(at, at + 3)];
}

/** What a phone photo must have lost (and kept) once stored: checked on disk and as served. */
async function expectCleanUprightPhoto(t: TestApp, dir: string, url: string): Promise<void> {
  const onDisk = readFileSync(join(dir, keyOf(url)));
  const served = Buffer.from((await t.http.get(url).buffer(true).expect(200)).body as Buffer);
  expect(served.equals(onDisk)).toBe(true);
  const metadata = await sharp(served).metadata();
  expect(metadata).toMatchObject({ format: 'jpeg', width: 20, height: 40 });
  expect(metadata.exif).toBeUndefined();
  expect(metadata.xmp).toBeUndefined();
  expect(metadata.iptc).toBeUndefined();
  expect(metadata.orientation).toBeUndefined();
  expect(served.includes(EXIF_MARKER)).toBe(false);
  expect(served.includes(Buffer.from(PHONE_MAKE))).toBe(false);
  // Turned upright: what was the left (red) half is now on top.
  const [r, g, b] = await pixel(served, 10, 5);
  expect(r).toBeGreaterThan(200);
  expect(g + b).toBeLessThan(60);
  const [r2, , b2] = await pixel(served, 10, 35);
  expect(b2).toBeGreaterThan(200);
  expect(r2).toBeLessThan(60);
}

describe('uploaded images are stored without metadata, upright, and within a pixel budget', () => {
  let t: TestApp;
  let b: CatalogBuilders;
  let productPath: string;
  let photo: Buffer;
  const dir = tempMediaDir();

  beforeAll(async () => {
    t = await createTestApp({ MEDIA_DIR: dir });
    b = await catalogBuilders(t);
    const category = await b.category();
    const product = await b.product({ categoryId: category.id });
    productPath = `/api/products/${product.id}/images`;
    photo = await phonePhoto();
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the test photo really carries GPS EXIF and orientation 6', async () => {
    const metadata = await sharp(photo).metadata();
    expect(metadata).toMatchObject({ width: 40, height: 20, orientation: 6 });
    expect(photo.includes(EXIF_MARKER)).toBe(true);
    expect(photo.includes(Buffer.from(PHONE_MAKE))).toBe(true);
    // The GPS IFD pointer tag (0x8825), in either byte order.
    const exif = metadata.exif ?? Buffer.alloc(0);
    expect(
      exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88])),
    ).toBe(true);
  });

  it('strips EXIF/GPS from a catalog image and applies its orientation', async () => {
    const res = await upload(t, 'post', productPath, b.staff.auth, photo, {
      filename: 'IMG_0001.jpg',
      contentType: 'image/jpeg',
    }).expect(201);
    const image = res.body as { url: string; width: number; height: number; byteSize: number };
    expect(image).toMatchObject({ contentType: 'image/jpeg', width: 20, height: 40 });
    expect(image.byteSize).toBe(readFileSync(join(dir, keyOf(image.url))).length);
    await expectCleanUprightPhoto(t, dir, image.url);
  });

  it("strips EXIF/GPS from a customer's profile picture and applies its orientation", async () => {
    const customer = await t.createUser();
    const res = await upload(t, 'put', '/api/me/profile/image', customer.auth, photo, {
      filename: 'me.jpg',
      contentType: 'image/jpeg',
    }).expect(200);
    await expectCleanUprightPhoto(t, dir, res.body.imageUrl as string);
  });

  it('drops bytes hidden after the image (no polyglot files served from /media)', async () => {
    const payload = Buffer.from('<html><script>alert(document.cookie)</script></html>');
    const res = await upload(
      t,
      'post',
      productPath,
      b.staff.auth,
      Buffer.concat([PNG, payload]),
    ).expect(201);
    const stored = readFileSync(join(dir, keyOf(res.body.url as string)));
    expect(stored.includes(Buffer.from('<script>'))).toBe(false);
    expect(await sharp(stored).metadata()).toMatchObject({ format: 'png', width: 16, height: 16 });
  });

  it.each([
    ['a catalog image', 'post'],
    ['a profile picture', 'put'],
  ] as const)(
    'refuses %s of 10,000 × 10,000 px in a 12 KB PNG (422), and stores nothing',
    async (_what, method) => {
      const bomb = pngBomb(10_000, 10_000);
      expect(bomb.length).toBeLessThan(20_000);
      const user = method === 'post' ? b.staff : await t.createUser();
      const path = method === 'post' ? productPath : '/api/me/profile/image';
      const before = storedFiles(dir);
      const res = await upload(t, method, path, user.auth, bomb);
      const body = expectError(res, 422, 'IMAGE_DIMENSIONS_TOO_LARGE');
      expect(body.details).toEqual({ maxPixels: 40_000_000 });
      expect(storedFiles(dir)).toEqual(before);
    },
  );

  it('refuses an image wider than 12,000 px by its header alone (422)', async () => {
    const res = await upload(t, 'post', productPath, b.staff.auth, pngBomb(12_001, 1));
    expectError(res, 422, 'IMAGE_DIMENSIONS_TOO_LARGE');
  });

  it('refuses a truncated JPEG as an invalid image (422), and stores nothing', async () => {
    const big = await sharp({
      create: { width: 300, height: 300, channels: 3, background: '#3366cc' },
    })
      .jpeg()
      .toBuffer();
    const before = storedFiles(dir);
    const res = await upload(t, 'post', productPath, b.staff.auth, big.subarray(0, 400));
    expectError(res, 422, 'INVALID_IMAGE');
    expect(storedFiles(dir)).toEqual(before);
  });
});

describe('upload limits: MEDIA_MAX_PIXELS counts every frame, UPLOAD_RATE_LIMIT per user', () => {
  const LIMIT = 3;
  let t: TestApp;
  let b: CatalogBuilders;
  let productPath: string;
  const dir = tempMediaDir();

  beforeAll(async () => {
    t = await createTestApp({
      MEDIA_DIR: dir,
      UPLOAD_RATE_LIMIT: String(LIMIT),
      MEDIA_MAX_PIXELS: '10000',
    });
    b = await catalogBuilders(t);
    const category = await b.category();
    const product = await b.product({ categoryId: category.id });
    productPath = `/api/products/${product.id}/images`;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const staffUser = (): Promise<TestUser> => t.createUser({ role: 'staff' });

  it('refuses an animation whose frames together exceed MEDIA_MAX_PIXELS, keeps a smaller one', async () => {
    const user = await staffUser();
    // 80 × 50 = 4,000 px a frame: three frames are 12,000 > 10,000, two are 8,000.
    const tooMany = await upload(t, 'post', productPath, user.auth, await animatedGif(80, 50, 3));
    const body = expectError(tooMany, 422, 'IMAGE_DIMENSIONS_TOO_LARGE');
    expect(body.details).toEqual({ maxPixels: 10_000 });
    const fits = await upload(t, 'post', productPath, user.auth, await animatedGif(80, 50, 2), {
      contentType: 'image/gif',
    }).expect(201);
    expect(fits.body).toMatchObject({ contentType: 'image/gif', width: 80, height: 50 });
    const stored = readFileSync(join(dir, keyOf(fits.body.url as string)));
    expect((await sharp(stored).metadata()).pages).toBe(2);
  });

  it('answers 429 with Retry-After after UPLOAD_RATE_LIMIT uploads a minute, catalog and profile alike', async () => {
    const user = await staffUser();
    await upload(t, 'post', productPath, user.auth, PNG).expect(201);
    await upload(t, 'put', '/api/me/profile/image', user.auth, JPEG).expect(200);
    await upload(t, 'post', productPath, user.auth, PNG).expect(201);
    const before = storedFiles(dir);

    for (const [method, path] of [
      ['post', productPath],
      ['put', '/api/me/profile/image'],
    ] as const) {
      const res = await upload(t, method, path, user.auth, PNG);
      expectError(res, 429, 'RATE_LIMITED');
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    expect(storedFiles(dir)).toEqual(before);

    // Another user's budget is their own.
    const other = await t.createUser();
    await upload(t, 'put', '/api/me/profile/image', other.auth, PNG).expect(200);
  });

  it('counts refused files too, so a client cannot probe the decoder without limit', async () => {
    const user = await t.createUser();
    for (let i = 0; i < LIMIT; i++) {
      const res = await upload(t, 'put', '/api/me/profile/image', user.auth, pngBomb(200, 200));
      expectError(res, 422, 'IMAGE_DIMENSIONS_TOO_LARGE');
    }
    expectError(
      await upload(t, 'put', '/api/me/profile/image', user.auth, PNG),
      429,
      'RATE_LIMITED',
    );
  });
});
