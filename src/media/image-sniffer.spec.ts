import { describe, expect, it } from '@jest/globals';
import { sniffImage } from './image-sniffer.js';

const png = (width: number, height: number): Buffer => {
  const header = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header, 0);
  header.writeUInt32BE(13, 8);
  header.write('IHDR', 12, 'latin1');
  header.writeUInt32BE(width, 16);
  header.writeUInt32BE(height, 20);
  return header;
};

const gif = (width: number, height: number): Buffer => {
  const header = Buffer.alloc(13);
  header.write('GIF89a', 0, 'latin1');
  header.writeUInt16LE(width, 6);
  header.writeUInt16LE(height, 8);
  return header;
};

/** SOI, an APP0 segment, then a baseline start-of-frame. */
const jpeg = (width: number, height: number): Buffer => {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x04, 0x00, 0x00]);
  const sof = Buffer.alloc(11);
  sof.writeUInt16BE(0xffc0, 0);
  sof.writeUInt16BE(9, 2);
  sof[4] = 8;
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof]);
};

const webpLossless = (width: number, height: number): Buffer => {
  const data = Buffer.alloc(30);
  data.write('RIFF', 0, 'latin1');
  data.writeUInt32LE(22, 4);
  data.write('WEBPVP8L', 8, 'latin1');
  data.writeUInt32LE(9, 16);
  data[20] = 0x2f;
  data.writeUInt32LE((width - 1) | ((height - 1) << 14), 21);
  return data;
};

describe('sniffImage', () => {
  it.each([
    ['PNG', png(640, 480), 'image/png'],
    ['GIF', gif(640, 480), 'image/gif'],
    ['JPEG', jpeg(640, 480), 'image/jpeg'],
    ['lossless WebP', webpLossless(640, 480), 'image/webp'],
  ])('recognises a %s and reads its size', (_name, data, type) => {
    expect(sniffImage(data)).toEqual({ ok: true, image: { type, width: 640, height: 480 } });
  });

  it.each([
    ['text', Buffer.from('hello, I am not a picture')],
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['a BMP', Buffer.from('BM\x00\x00\x00\x00', 'latin1')],
    ['nothing', Buffer.alloc(0)],
  ])('refuses %s as unsupported', (_name, data) => {
    expect(sniffImage(data)).toEqual({ ok: false, reason: 'unsupported' });
  });

  it.each([
    ['a PNG signature alone', png(1, 1).subarray(0, 8)],
    ['a PNG of zero width', png(0, 10)],
    ['a JPEG without a frame header', Buffer.from([0xff, 0xd8, 0xff, 0xd9])],
    [
      'a RIFF/WEBP without a known chunk',
      Buffer.from('RIFF\x00\x00\x00\x00WEBPJUNKxxxxxxxxxxxxxxxxxx'),
    ],
  ])('refuses %s as corrupt', (_name, data) => {
    expect(sniffImage(data)).toEqual({ ok: false, reason: 'corrupt' });
  });

  it('refuses absurd dimensions (a decompression bomb for clients)', () => {
    expect(sniffImage(png(100_000, 100_000))).toEqual({
      ok: false,
      reason: 'too-large-dimensions',
    });
  });
});
