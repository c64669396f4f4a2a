import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Test } from 'supertest';
import type { TestApp } from '../support/test-app.js';

/** A fresh media directory for one test app, so its files can be checked on disk. */
export const tempMediaDir = (): string => mkdtempSync(join(tmpdir(), 'shop-media-'));

/** The stored files (temporary upload files excluded). */
export const storedFiles = (dir: string): string[] =>
  readdirSync(dir).filter((name) => !name.startsWith('.'));

export const keyOf = (url: string): string => url.slice('/media/'.length);

export interface UploadOptions {
  filename?: string;
  contentType?: string;
  fields?: Record<string, string>;
}

/** A multipart upload of `data` in the form field `file`, as a browser's FormData sends it. */
export function upload(
  t: TestApp,
  method: 'post' | 'put',
  path: string,
  auth: string | undefined,
  data: Buffer,
  options: UploadOptions = {},
): Test {
  let request = t.http[method](path);
  if (auth) request = request.set('Authorization', auth);
  for (const [name, value] of Object.entries(options.fields ?? {}))
    request = request.field(name, value);
  return request.attach('file', data, {
    filename: options.filename ?? 'picture.png',
    contentType: options.contentType ?? 'image/png',
  });
}

/** Waits until `check` holds (after-commit work runs just after the response). */
export async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * An image's decoded RGBA pixels: uploads are stored re-encoded (no metadata, upright), so
 * "stored as uploaded" means the same pixels, not the same bytes.
 */
export const pixelsOf = (image: Buffer): Promise<Buffer> =>
  sharp(image).ensureAlpha().raw().toBuffer();
