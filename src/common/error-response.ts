import { STATUS_CODES } from 'node:http';
import { HttpException, Logger } from '@nestjs/common';
import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { PgError, isPgError } from '@/database/pg-errors.js';
import { DomainError, type FieldError } from './domain-error.js';
import type { HttpErrorCode } from './http-error-codes.js';

/** The one error body of every 4xx/5xx response. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: string;
  details?: unknown;
  requestId: string;
}

const FASTIFY_CODES: Record<string, HttpErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_BAD_URL: 'MALFORMED_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
  JSON_TOO_DEEP: 'JSON_TOO_DEEP',
};

const FRIENDLY: Partial<Record<string, string>> = {
  PAYLOAD_TOO_LARGE: 'Request body is larger than 1 MB',
  UNSUPPORTED_MEDIA_TYPE: 'Request body must be JSON (Content-Type: application/json)',
  MALFORMED_JSON: 'Request body is not valid JSON',
  MALFORMED_URL: 'Request URL is not validly percent-encoded',
  URI_TOO_LONG: 'A path parameter of the request URL is too long',
  JSON_TOO_DEEP: 'Request body nests objects or arrays too deeply',
};

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Socket errors and the SQLSTATEs of a server that is gone, going or not yet back. */
const UNAVAILABLE_CODES = new Set<string>([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  PgError.ADMIN_SHUTDOWN,
  PgError.CRASH_SHUTDOWN,
  PgError.CANNOT_CONNECT_NOW,
  PgError.CONNECTION_FAILURE,
  PgError.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
  PgError.CONNECTION_DOES_NOT_EXIST,
]);

/** Postgres / pool errors that mean "the database is unreachable right now". */
function isDatabaseUnavailable(error: unknown): boolean {
  if (!isObject(error)) return false;
  // TypeORM releases a transaction's query runner as soon as its connection reports an error
  // (the server went away mid-transaction, which the server rolls back): the transaction's next
  // statement then throws one of these instead of the connection error.
  if (
    error instanceof QueryRunnerAlreadyReleasedError ||
    error instanceof QueryRunnerProviderAlreadyReleasedError
  )
    return true;
  const code = typeof error.code === 'string' ? error.code : '';
  const message = typeof error.message === 'string' ? error.message : '';
  return (
    UNAVAILABLE_CODES.has(code) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      message,
    )
  );
}

/**
 * A statement the database gave up on under contention: a lock waited past `lock_timeout`
 * or the statement ran past `statement_timeout`. Retrying later can succeed.
 */
function isDatabaseBusy(error: unknown): boolean {
  return isPgError(error, PgError.LOCK_NOT_AVAILABLE) || isPgError(error, PgError.QUERY_CANCELED);
}

const logger = new Logger('ErrorResponse');

/**
 * What of an error may be logged: never query parameters or driver internals (they can hold
 * password hashes, tokens or personal data), only the message, code, SQL text and stack.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!isObject(error)) return { message: String(error) };
  const { name, message, code, query, stack } = error;
  return { type: name, message, code, query, stack };
}

/** Turns anything thrown into the status and body of the one error shape. */
export function toErrorBody(exception: unknown, requestId: string): ErrorBody {
  const body = (
    statusCode: number,
    code: string,
    message: string,
    details?: unknown,
  ): ErrorBody => ({
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    code,
    ...(details === undefined ? {} : { details }),
    requestId,
  });

  if (exception instanceof DomainError) {
    return body(exception.status, exception.code, exception.message, exception.details);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    let message = exception.message;
    let details: FieldError[] | undefined;
    if (isObject(response)) {
      if (typeof response.message === 'string') message = response.message;
      else if (Array.isArray(response.message)) {
        details = response.message.map((m) => ({ field: '', message: String(m) }));
        message = 'Request validation failed';
      }
    } else if (typeof response === 'string') {
      message = response;
    }
    if (status === 429) message = 'Too many requests, slow down and retry later';
    let code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'ERROR');
    if (status === 400 && /not valid JSON|Unexpected token|JSON/i.test(message)) {
      code = 'MALFORMED_JSON';
      message = FRIENDLY.MALFORMED_JSON ?? message;
    }
    if (status === 413) message = FRIENDLY.PAYLOAD_TOO_LARGE ?? message;
    if (status === 415) message = FRIENDLY.UNSUPPORTED_MEDIA_TYPE ?? message;
    if (status >= 500) {
      logger.error({ err: loggableError(exception) }, 'request failed');
      return body(status, code, STATUS_CODES[status] ?? 'Internal server error');
    }
    return body(status, code, message, details);
  }
  if (
    isObject(exception) &&
    typeof exception.statusCode === 'number' &&
    exception.statusCode >= 400 &&
    exception.statusCode < 500
  ) {
    // Errors the HTTP layer (Fastify) raises itself: body parsing, content type, size.
    const status = exception.statusCode;
    const fastifyCode = typeof exception.code === 'string' ? exception.code : '';
    const code =
      FASTIFY_CODES[fastifyCode] ??
      (exception instanceof SyntaxError
        ? 'MALFORMED_JSON'
        : (CODE_BY_STATUS[status] ?? 'BAD_REQUEST'));
    const message =
      FRIENDLY[code] ?? (typeof exception.message === 'string' ? exception.message : 'Bad request');
    return body(status, code, message);
  }
  if (isDatabaseUnavailable(exception) || isDatabaseBusy(exception)) {
    logger.warn(
      { err: loggableError(exception) },
      isDatabaseBusy(exception) ? 'database busy' : 'database unavailable',
    );
    return body(
      503,
      'SERVICE_UNAVAILABLE',
      'The service is temporarily unavailable, retry shortly',
    );
  }
  logger.error({ err: loggableError(exception) }, 'unhandled error');
  return body(500, 'INTERNAL_ERROR', 'Internal server error');
}
