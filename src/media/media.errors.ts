import { DomainError, ValidationFailedError } from '@/common/domain-error.js';

/** The body is not `multipart/form-data`, or the file is not a JPEG, PNG, WebP or GIF. */
export class UnsupportedMediaTypeError extends DomainError {
  readonly status = 415;
  constructor(
    message: string,
    readonly code: string = 'UNSUPPORTED_MEDIA_TYPE',
  ) {
    super(message);
  }
}

export class UnsupportedImageTypeError extends UnsupportedMediaTypeError {
  constructor() {
    super(
      'The file is not a JPEG, PNG, WebP or GIF image (judged by its content, not its name)',
      'UNSUPPORTED_IMAGE_TYPE',
    );
  }
}

/** The bytes start like an image but are not a readable one. */
export class InvalidImageError extends DomainError {
  readonly code = 'INVALID_IMAGE';
  readonly status = 422;
}

export class ImageTooLargeError extends DomainError {
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
  readonly code = 'IMAGE_DIMENSIONS_TOO_LARGE';
  readonly status = 422;
}

export class MissingFileError extends ValidationFailedError {
  override readonly code = 'FILE_REQUIRED';
  constructor() {
    super('A file is required in the form field "file"', [
      { field: 'file', message: 'file is required' },
    ]);
  }
}

export class TooManyImagesError extends DomainError {
  readonly code = 'TOO_MANY_IMAGES';
  readonly status = 409;
  constructor(max: number) {
    super(`At most ${max} images per item: delete one first`, { max });
  }
}
