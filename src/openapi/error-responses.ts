import type { OpenAPIObject } from '@nestjs/swagger';
import type { ErrorCodeSpec } from '@/common/domain-error.js';
import { ERROR_STATUS_DESCRIPTIONS } from '@/common/openapi.js';
import type { HttpErrorCode } from '@/common/http-error-codes.js';
import { ERROR_CODES, type ErrorCode } from './error-catalog.js';
import { OPERATION_ERRORS } from './operation-errors.js';

/** The parts of an operation this module reads and writes. */
interface ErrorOperation {
  operationId?: string;
  parameters?: Array<{ in?: string }>;
  requestBody?: unknown;
  responses: Record<string, { description?: string; content?: unknown }>;
}

const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/**
 * The codes any operation answers with a status, whatever it does: Nest's validation pipe and
 * the unstorable-text hook (any path, query or body), the auth and role guards, lookups, and the
 * HTTP layer. Only added to the statuses an operation documents, except 400, 429 and 503, which
 * every operation can answer, and the body statuses below.
 */
const GENERIC: Record<number, ErrorCode[]> = {
  400: ['VALIDATION_FAILED', 'BAD_REQUEST'],
  401: ['UNAUTHORIZED', 'TOKEN_EXPIRED'],
  403: ['FORBIDDEN'],
  404: ['NOT_FOUND'],
  413: ['PAYLOAD_TOO_LARGE'],
  414: ['URI_TOO_LONG'],
  415: ['UNSUPPORTED_MEDIA_TYPE'],
  429: ['RATE_LIMITED'],
  503: ['SERVICE_UNAVAILABLE'],
};
/** Fastify reads a body of these methods whatever the route: JSON errors, size, type. */
const BODY_CODES: HttpErrorCode[] = [
  'MALFORMED_JSON',
  'JSON_TOO_DEEP',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
];
/** The router rejects a bad path parameter before any hook (app.factory's frameworkErrors). */
const PATH_CODES: HttpErrorCode[] = ['MALFORMED_URL', 'URI_TOO_LONG'];

/** `INSUFFICIENT_STOCK` → `InsufficientStockError`: the component schema of one code. */
export function errorSchemaName(code: string): string {
  const pascal = code
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
  return `${pascal}Error`;
}

function spec(code: string): ErrorCodeSpec {
  const found = ERROR_CODES.get(code);
  if (!found) throw new Error(`OpenAPI errors: unknown code ${code}`);
  return found;
}

/** The component schema of one code: the `Error` shape with its status, code and details. */
function codeSchema(code: string): Record<string, unknown> {
  const { status, description, details } = spec(code);
  const example: Record<string, unknown> = {
    statusCode: status,
    error: STATUS_TEXT[status] ?? 'Error',
    message: description.replace(/`/g, ''),
    code,
    requestId: 'b3f1c0de-1d2e-4f3a-8b9c-0d1e2f3a4b5c',
  };
  if (details?.example !== undefined) example.details = details.example;
  return {
    description,
    allOf: [{ $ref: '#/components/schemas/Error' }],
    type: 'object',
    properties: {
      statusCode: { type: 'integer', const: status },
      code: { type: 'string', const: code },
      ...(details ? { details } : {}),
    },
    required: ['statusCode', 'code'],
    example,
  };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** The codes of one operation, by status: its table entry, then what its kind answers. */
function operationCodes(method: string, op: ErrorOperation): Map<string, Set<string>> {
  const byStatus = new Map<string, Set<string>>();
  const add = (code: string): void => {
    const status = String(spec(code).status);
    const codes = byStatus.get(status) ?? new Set<string>();
    codes.add(code);
    byStatus.set(status, codes);
  };
  for (const cls of OPERATION_ERRORS[op.operationId ?? ''] ?? [])
    for (const code of Object.keys(cls.codes)) add(code);
  const documented = Object.keys(op.responses).map(Number);
  for (const status of [...documented, 400, 429, 503])
    for (const code of GENERIC[status] ?? []) add(code);
  if (BODY_METHODS.has(method)) BODY_CODES.forEach(add);
  if (op.parameters?.some((p) => p.in === 'path')) PATH_CODES.forEach(add);
  return byStatus;
}

const ref = (code: string): { $ref: string } => ({
  $ref: `#/components/schemas/${errorSchemaName(code)}`,
});

/**
 * Documents every error response from the codes: per operation and status, the codes it can
 * answer (one schema, or a `oneOf` with a discriminator on `code`), each code's schema once in
 * `components.schemas` (its `details` typed), and `Error.code` as the enum of every code.
 */
export function documentErrors(document: OpenAPIObject): void {
  const known = new Set<string>();
  for (const [operationId] of Object.entries(OPERATION_ERRORS)) known.add(operationId);
  const used = new Set<string>();
  for (const path of Object.values(document.paths)) {
    for (const [method, op] of Object.entries(path as Record<string, ErrorOperation>)) {
      if (typeof op !== 'object' || !('responses' in op)) continue;
      known.delete(op.operationId ?? '');
      for (const [status, codes] of operationCodes(method, op)) {
        const sorted = [...codes].sort();
        sorted.forEach((code) => used.add(code));
        const schema =
          sorted.length === 1
            ? ref(sorted[0])
            : {
                oneOf: sorted.map(ref),
                discriminator: {
                  propertyName: 'code',
                  mapping: Object.fromEntries(sorted.map((code) => [code, ref(code).$ref])),
                },
              };
        const list = sorted.map((code) => `\`${code}\``).join(', ');
        const existing =
          op.responses[status]?.description ?? ERROR_STATUS_DESCRIPTIONS[Number(status)];
        op.responses[status] = {
          ...op.responses[status],
          description: existing ? `${existing}. Codes: ${list}` : `Codes: ${list}`,
          content: { 'application/json': { schema } },
        };
      }
    }
  }
  if (known.size > 0)
    throw new Error(`OpenAPI errors: no operation ${[...known].sort().join(', ')}`);
  const schemas = document.components?.schemas ?? {};
  for (const code of [...used].sort()) {
    const name = errorSchemaName(code);
    if (schemas[name]) throw new Error(`OpenAPI errors: schema ${name} already exists`);
    schemas[name] = codeSchema(code);
  }
  const error = schemas.Error as { properties: Record<string, Record<string, unknown>> };
  error.properties.code = { ...error.properties.code, enum: [...ERROR_CODES.keys()].sort() };
  // Any JSON here; each code's schema types it, and an intersection with a wider base type
  // (array or object) would give generated clients a union to pick apart.
  error.properties.details = {
    description:
      "Structured data the client needs to react; its schema is the code's (see each `…Error` schema)",
  };
}
