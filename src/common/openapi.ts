import { applyDecorators, type Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

/** The operation extension marking optional bearer auth; the document builder rewrites it. */
export const OPTIONAL_AUTH_EXTENSION = 'x-optional-auth';

export class FieldErrorDto {
  @ApiProperty({ description: 'Dotted path of the offending field', example: 'email' })
  field!: string;

  @ApiProperty({ example: 'email must be an email' })
  message!: string;
}

/** The one error body of every 4xx/5xx response. */
export class ErrorDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ description: 'The HTTP reason phrase', example: 'Bad Request' })
  error!: string;

  @ApiProperty({
    description: 'One human-readable sentence',
    example: 'email: email must be an email',
  })
  message!: string;

  @ApiProperty({ description: 'Stable machine-readable code', example: 'VALIDATION_FAILED' })
  code!: string;

  @ApiPropertyOptional({
    description:
      'Structured data: field errors `[{field, message}]` for 400s, or what the client needs to react (e.g. stock available) for 409s',
    oneOf: [{ type: 'array', items: { type: 'object' } }, { type: 'object' }],
  })
  details?: unknown;

  @ApiProperty({
    description: 'Also in the `X-Request-Id` response header and the logs',
    example: 'b3f1c0de-…',
  })
  requestId!: string;
}

/** What an error status means, when an operation's decorators say nothing more. */
export const ERROR_STATUS_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (validation errors in `details`)',
  414: 'A path parameter of the request URL is too long',
  401: 'Missing, invalid or expired credentials',
  403: 'Authenticated, but not allowed',
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'Body larger than 1 MB',
  415: 'Body is not JSON',
  422: 'Unprocessable (e.g. an Idempotency-Key reused with another body)',
  429: 'Too many requests: retry after the `Retry-After` seconds',
  503: 'Temporarily unavailable: retry after the `Retry-After` seconds',
};

/** Documents the error responses an operation can really return, all with the one error shape. */
export const ApiErrors = (...statuses: number[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: ERROR_STATUS_DESCRIPTIONS[status] ?? 'Error',
        type: ErrorDto,
      }),
    ),
  );

/** Documents a JSON request body's errors: validation, size and content type. */
export const ApiBodyErrors = (): MethodDecorator => ApiErrors(400, 413, 415);

export type { Type };
