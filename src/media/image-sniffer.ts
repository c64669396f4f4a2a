/**
 * Recognises an image by its content: the magic bytes of JPEG, PNG, WebP and GIF, and the
 * dimensions read from the header. The file name's extension and the client's content type are
 * never trusted; a file that starts like an image but has no readable header is not an image.
 */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

export const EXTENSION_BY_TYPE: Record<ImageType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

export const TYPE_BY_EXTENSION: Record<string, ImageType> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
};

/** Either side above this is refused: no shop image needs it, and clients would choke on it. */
export const MAX_IMAGE_SIDE = 12_000;

export interface SniffedImage {
  type: ImageType;
  width: number;
  height: number;
}

export type SniffResult =
  | { ok: true; image: SniffedImage }
  /** `unsupported`: not one of the four formats; `corrupt`: the magic matches, the header does not. */
  | { ok: false; reason: 'unsupported' | 'corrupt' | 'too-large-dimensions' };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const startsWith = (data: Buffer, bytes: Buffer | string, at = 0): boolean => {
  const expected = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  return (
    data.length >= at + expected.length && data.subarray(at, at + expected.length).equals(expected)
  );
};

function pngSize(data: Buffer): [number, number] | undefined {
  // Signature, then the IHDR chunk first: length (13), "IHDR", width, height.
  if (data.length < 24 || !startsWith(data, 'IHDR', 12)) return undefined;
  return [data.readUInt32BE(16), data.readUInt32BE(20)];
}

function gifSize(data: Buffer): [number, number] | undefined {
  if (data.length < 10) return undefined;
  return [data.readUInt16LE(6), data.readUInt16LE(8)];
}

function webpSize(data: Buffer): [number, number] | undefined {
  if (data.length < 30) return undefined;
  const chunk = data.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') {
    // Lossy: a key frame's start code 9d 01 2a, then 14-bit width and height.
    if (data[23] !== 0x9d || data[24] !== 0x01 || data[25] !== 0x2a) return undefined;
    return [data.readUInt16LE(26) & 0x3fff, data.readUInt16LE(28) & 0x3fff];
  }
  if (chunk === 'VP8L') {
    if (data[20] !== 0x2f) return undefined;
    const bits = data.readUInt32LE(21);
    return [(bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1];
  }
  if (chunk === 'VP8X') {
    const width = 1 + (data[24] | (data[25] << 8) | (data[26] << 16));
    const height = 1 + (data[27] | (data[28] << 8) | (data[29] << 16));
    return [width, height];
  }
  return undefined;
}

/** Walks the JPEG segments to the first start-of-frame marker, which holds the dimensions. */
function jpegSize(data: Buffer): [number, number] | undefined {
  let offset = 2;
  while (offset + 4 <= data.length) {
    if (data[offset] !== 0xff) return undefined;
    const marker = data[offset + 1];
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // markers without a length
      continue;
    }
    const length = data.readUInt16BE(offset + 2);
    if (length < 2) return undefined;
    const isStartOfFrame =
      marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame) {
      if (offset + 9 > data.length) return undefined;
      return [data.readUInt16BE(offset + 7), data.readUInt16BE(offset + 5)];
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image / scan before a frame
    offset += 2 + length;
  }
  return undefined;
}

function detect(data: Buffer): { type: ImageType; size: [number, number] | undefined } | undefined {
  if (startsWith(data, Buffer.from([0xff, 0xd8, 0xff])))
    return { type: 'image/jpeg', size: jpegSize(data) };
  if (startsWith(data, PNG_SIGNATURE)) return { type: 'image/png', size: pngSize(data) };
  if (startsWith(data, 'GIF87a') || startsWith(data, 'GIF89a'))
    return { type: 'image/gif', size: gifSize(data) };
  if (startsWith(data, 'RIFF') && startsWith(data, 'WEBP', 8))
    return { type: 'image/webp', size: webpSize(data) };
  return undefined;
}

/** What the bytes are, judged by their content only. */
export function sniffImage(data: Buffer): SniffResult {
  const detected = detect(data);
  if (!detected) return { ok: false, reason: 'unsupported' };
  const [width, height] = detected.size ?? [0, 0];
  if (width < 1 || height < 1) return { ok: false, reason: 'corrupt' };
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE)
    return { ok: false, reason: 'too-large-dimensions' };
  return { ok: true, image: { type: detected.type, width, height } };
}
