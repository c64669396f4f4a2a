import type { ErrorCodes } from './domain-error.js';

/**
 * The codes the HTTP layer answers itself, without a domain error class: Fastify's body parsing,
 * the router, Nest's pipes and the shutdown hook (error-response.ts maps them). With the codes
 * the error classes declare, they are the closed set the API document lists.
 */
export const HTTP_ERROR_CODES = {
  BAD_REQUEST: {
    status: 400,
    description: 'The request is malformed in a way no field explains (e.g. a bad Content-Length)',
  },
  MALFORMED_JSON: { status: 400, description: 'The body is not valid JSON' },
  JSON_TOO_DEEP: { status: 400, description: 'The body nests objects or arrays too deeply' },
  MALFORMED_URL: { status: 400, description: 'The request URL is not validly percent-encoded' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body is larger than 1 MB' },
  URI_TOO_LONG: { status: 414, description: 'A path parameter of the request URL is too long' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    description: 'The body is not of a type this operation reads (JSON, or multipart for uploads)',
  },
  // In `Error.code`'s enum because the server does answer it; documented on no operation, as no
  // operation is meant to fail this way.
  INTERNAL_ERROR: {
    status: 500,
    description: 'An unexpected failure on our side: the `requestId` finds it in the server logs',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    description:
      'The database is unreachable or busy, or the server is shutting down: retry after `Retry-After` seconds',
  },
} as const satisfies ErrorCodes;

export type HttpErrorCode = keyof typeof HTTP_ERROR_CODES;
