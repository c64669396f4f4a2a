import {
  DomainError,
  ValidationFailedError,
  type ErrorCodes,
  FIELD_ERRORS,
  integerDetails,
} from '@/common/domain-error.js';
import { HTTP_ERROR_CODES } from '@/common/http-error-codes.js';

/** The body is not `multipart/form-data`, or the file is not a JPEG, PNG, WebP or GIF. */
export class UnsupportedMediaTypeError extends DomainError {
  // Typed wide: UnsupportedImageTypeError declares a code of its own.
  static override readonly codes: ErrorCodes = {
    UNSUPPORTED_MEDIA_TYPE: HTTP_ERROR_CODES.UNSUPPORTED_MEDIA_TYPE,
  };

  readonly status = 415;
  constructor(
    message: string,
    readonly code: string = 'UNSUPPORTED_MEDIA_TYPE',
  ) {
    super(message);
  }
}

export class UnsupportedImageTypeError extends UnsupportedMediaTypeError {
  static override readonly codes = {
    UNSUPPORTED_IMAGE_TYPE: {
      status: 415,
      description: 'The file is not a JPEG, PNG, WebP or GIF image (judged by its content)',
    },
  } satisfies ErrorCodes;

  constructor() {
    super(
      'The file is not a JPEG, PNG, WebP or GIF image (judged by its content, not its name)',
      'UNSUPPORTED_IMAGE_TYPE',
    );
  }
}

/** The bytes start like an image but are not a readable one. */
export class InvalidImageError extends DomainError {
  static override readonly codes = {
    INVALID_IMAGE: { status: 422, description: 'The file starts like an image but cannot be read' },
  } satisfies ErrorCodes;

  readonly code = 'INVALID_IMAGE';
  readonly status = 422;
}

export class ImageTooLargeError extends DomainError {
  static override readonly codes = {
    IMAGE_TOO_LARGE: {
      status: 413,
      description: 'The file is larger than the upload limit',
      details: integerDetails({ maxBytes: 5_242_880 }),
    },
  } satisfies ErrorCodes;

  readonly code = 'IMAGE_TOO_LARGE';
  readonly status = 413;
  constructor(maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes`, { maxBytes });
  }
}

/**
 * Wider or taller than any shop image, or more pixels than `MEDIA_MAX_PIXELS`: decoding it would
 * take hundreds of megabytes however small the file (a decompression bomb).
 */
export class ImageDimensionsTooLargeError extends DomainError {
  static override readonly codes = {
    IMAGE_DIMENSIONS_TOO_LARGE: {
      status: 422,
      description: 'The image is wider, taller or has more pixels than any shop image may',
    },
  } satisfies ErrorCodes;

  readonly code = 'IMAGE_DIMENSIONS_TOO_LARGE';
  readonly status = 422;
}

export class MissingFileError extends ValidationFailedError {
  static override readonly codes = {
    FILE_REQUIRED: {
      status: 400,
      description: 'The form field `file` is missing',
      details: FIELD_ERRORS,
    },
  } satisfies ErrorCodes;

  override readonly code = 'FILE_REQUIRED';
  constructor() {
    super('A file is required in the form field "file"', [
      { field: 'file', message: 'file is required' },
    ]);
  }
}

export class TooManyImagesError extends DomainError {
  static override readonly codes = {
    TOO_MANY_IMAGES: {
      status: 409,
      description: 'The item has as many images as it may: delete one first',
      details: integerDetails({ max: 10 }),
    },
  } satisfies ErrorCodes;

  readonly code = 'TOO_MANY_IMAGES';
  readonly status = 409;
  constructor(max: number) {
    super(`At most ${max} images per item: delete one first`, { max });
  }
}
