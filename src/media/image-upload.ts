import { applyDecorators, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { type FieldError, ValidationFailedError } from '@/common/domain-error.js';
import { ErrorDto } from '@/common/openapi.js';
import { unstorableText } from '@/common/validation.js';
import { MAX_IMAGE_SIDE, type SniffedImage, sniffImage } from './image-sniffer.js';
import {
  ImageDimensionsTooLargeError,
  ImageTooLargeError,
  InvalidImageError,
  MissingFileError,
  UnsupportedImageTypeError,
  UnsupportedMediaTypeError,
} from './media.errors.js';
import { UploadRateLimitGuard } from './upload-rate-limit.guard.js';

/** Fastify route config marking the routes that take `multipart/form-data`. */
export const MULTIPART_ROUTE_FLAG = 'acceptsMultipart';

/**
 * Marks an upload route: only these accept `multipart/form-data`; every other route keeps
 * answering 415 to it (the API is JSON everywhere else). Each call spends one of the user's
 * `UPLOAD_RATE_LIMIT` uploads a minute, so no upload route can be added without the limit.
 */
export const AcceptsMultipart = (): MethodDecorator =>
  applyDecorators(
    RouteConfig({ [MULTIPART_ROUTE_FLAG]: true }),
    UseGuards(UploadRateLimitGuard),
    ApiResponse({
      status: 429,
      description: 'More than `UPLOAD_RATE_LIMIT` uploads a minute by this user (`Retry-After`)',
      type: ErrorDto,
    }),
  );

/** The failures every image upload documents (besides 401/403/404 of its route). */
export const ApiImageUploadErrors = (): MethodDecorator =>
  applyDecorators(
    ...(
      [
        [400, 'No file, a second file, or an unknown or invalid form field (`details`)'],
        [413, 'The file is larger than `MEDIA_MAX_BYTES` (5 MB by default)'],
        [415, 'Not multipart/form-data, or the file is not a JPEG, PNG, WebP or GIF by content'],
        [
          422,
          'The file starts like an image but is not a readable one (`INVALID_IMAGE`), or is wider or taller than 12,000 px or has more than `MEDIA_MAX_PIXELS` pixels (`IMAGE_DIMENSIONS_TOO_LARGE`)',
        ],
      ] as const
    ).map(([status, description]) => ApiResponse({ status, description, type: ErrorDto })),
  );

export const UPLOAD_FILE_FIELD = 'file';
const MAX_FIELD_BYTES = 1000;

/** An uploaded image, checked by content, and the text fields sent with it. */
export interface ImageUpload {
  data: Buffer;
  image: SniffedImage;
  fields: Partial<Record<string, string>>;
}

const hasCode = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;

/**
 * Reads one image (form field `file`) and the named text fields from a multipart request. The
 * file is buffered up to `maxBytes` (413 beyond) and judged by its bytes: the file name and the
 * part's content type are ignored. Unknown fields, a second file, a field sent twice → 400.
 */
export async function readImageUpload(
  request: FastifyRequest,
  options: { maxBytes: number; fields: readonly string[] },
): Promise<ImageUpload> {
  if (!request.isMultipart())
    throw new UnsupportedMediaTypeError(
      `Request body must be multipart/form-data with the image in the field "${UPLOAD_FILE_FIELD}"`,
    );
  const allowed = new Set(options.fields);
  const problems: FieldError[] = [];
  const fields: Partial<Record<string, string>> = {};
  let data: Buffer | undefined;
  try {
    const parts = request.parts({
      limits: {
        fileSize: options.maxBytes,
        files: 1,
        fields: options.fields.length + 4,
        parts: options.fields.length + 5,
        fieldSize: MAX_FIELD_BYTES,
        headerPairs: 50,
      },
    });
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== UPLOAD_FILE_FIELD) {
          part.file.resume(); // drain it: the parser waits until the part is consumed
          problems.push({ field: part.fieldname, message: 'unknown file field' });
          continue;
        }
        data = await part.toBuffer();
        continue;
      }
      const name = part.fieldname;
      if (!allowed.has(name)) {
        problems.push({ field: name, message: `property ${name} should not exist` });
      } else if (fields[name] !== undefined) {
        problems.push({ field: name, message: `${name} must be sent once` });
      } else if (typeof part.value !== 'string' || part.valueTruncated) {
        problems.push({
          field: name,
          message: `${name} must be text of at most ${MAX_FIELD_BYTES} bytes`,
        });
      } else {
        const unstorable = unstorableText(part.value);
        if (unstorable) problems.push({ field: name, message: `${name} ${unstorable.message}` });
        else fields[name] = part.value;
      }
    }
  } catch (error) {
    if (hasCode(error, 'FST_REQ_FILE_TOO_LARGE')) throw new ImageTooLargeError(options.maxBytes);
    if (hasCode(error, 'FST_FILES_LIMIT'))
      throw new ValidationFailedError('Send exactly one file', [
        { field: UPLOAD_FILE_FIELD, message: 'only one file is accepted' },
      ]);
    if (hasCode(error, 'FST_FIELDS_LIMIT') || hasCode(error, 'FST_PARTS_LIMIT'))
      throw new ValidationFailedError('Too many form fields');
    if (hasCode(error, 'FST_PROTO_VIOLATION') || hasCode(error, 'FST_INVALID_JSON_FIELD_ERROR'))
      throw new ValidationFailedError('Malformed form field');
    if (error instanceof Error && /multipart|boundary/i.test(error.message))
      throw new ValidationFailedError('Malformed multipart/form-data body');
    throw error;
  }
  if (problems.length > 0)
    throw new ValidationFailedError(`${problems[0].field}: ${problems[0].message}`, problems);
  if (data === undefined) throw new MissingFileError();
  const sniffed = sniffImage(data);
  if (!sniffed.ok) {
    if (sniffed.reason === 'unsupported') throw new UnsupportedImageTypeError();
    if (sniffed.reason === 'too-large-dimensions')
      throw new ImageDimensionsTooLargeError(
        `The image is wider or taller than ${MAX_IMAGE_SIDE} pixels`,
        { maxSide: MAX_IMAGE_SIDE },
      );
    throw new InvalidImageError('The file starts like an image but its header is not readable');
  }
  return { data, image: sniffed.image, fields };
}
