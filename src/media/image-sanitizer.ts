import type { Sharp, SharpOptions } from 'sharp';
import { onFirstUse } from '@/common/on-first-use.js';
import type { ImageType, SniffedImage } from './image-sniffer.js';
import { ImageDimensionsTooLargeError, InvalidImageError } from './media.errors.js';

/**
 * Re-encoders by format: sharp writes no metadata (EXIF, XMP, IPTC, ICC, comments) unless asked,
 * and converts to sRGB so colours survive losing the ICC profile. Lossy formats at quality 90
 * rather than sharp's 80: product photos are the shop's window, and each upload is encoded once.
 */
const ENCODE: Record<ImageType, (pipeline: Sharp) => Sharp> = {
  'image/jpeg': (p) => p.jpeg({ quality: 90 }),
  'image/png': (p) => p.png(),
  'image/webp': (p) => p.webp({ quality: 90 }),
  'image/gif': (p) => p.gif(),
};

/**
 * sharp, imported with the first image rather than at start: its native libvips adds several MB
 * of resident memory to every instance, most of which never processes an upload.
 */
const loadSharp = onFirstUse(async () => (await import('sharp')).default);

/** An image as it is stored and served: decoded, upright, re-encoded without its metadata. */
export interface SanitizedImage {
  data: Buffer;
  image: SniffedImage;
}

/**
 * Decodes an uploaded image and writes it again in its own format with nothing but pixels: no
 * GPS position or camera serial in EXIF, no XMP, IPTC or comments, and no bytes after the
 * image (polyglots). The EXIF orientation is applied first so photos stay upright once it is
 * gone. Images over `maxPixels` (all frames together) are refused from their header, before
 * any pixel is decoded: a small file can declare a gigapixel canvas. sharp runs on libuv's
 * thread pool, so the event loop only waits on a promise.
 */
export async function sanitizeImage(
  data: Buffer,
  type: ImageType,
  maxPixels: number,
): Promise<SanitizedImage> {
  const options: SharpOptions = {
    animated: type === 'image/gif' || type === 'image/webp',
    failOn: 'error',
    limitInputPixels: maxPixels,
  };
  const sharp = await loadSharp();
  const header = await readHeader(sharp, data);
  const pages = header.pages ?? 1;
  if (header.width * header.height * pages > maxPixels)
    throw new ImageDimensionsTooLargeError(
      `The image has more than ${maxPixels} pixels (width × height × frames)`,
      { maxPixels },
    );
  let pipeline = sharp(data, options);
  // libvips cannot turn an animation by 90°; frames of an animation carry no camera orientation.
  if (pages === 1) pipeline = pipeline.rotate();
  try {
    const { data: clean, info } = await ENCODE[type](pipeline).toBuffer({
      resolveWithObject: true,
    });
    return {
      data: clean,
      image: { type, width: info.width, height: info.pageHeight ?? info.height },
    };
  } catch (error) {
    throw new InvalidImageError(`The image could not be decoded: ${firstLine(error)}`);
  }
}

/** Dimensions and frame count from the header only (no pixel data is decoded). */
async function readHeader(
  sharp: typeof import('sharp').default,
  data: Buffer,
): Promise<{ width: number; height: number; pages?: number }> {
  try {
    // No pixel limit here: the caller compares against its own, with the frames counted.
    return await sharp(data, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new InvalidImageError(`The image header is not readable: ${firstLine(error)}`);
  }
}

const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0];
