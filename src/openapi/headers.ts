import type { OpenAPIObject } from '@nestjs/swagger';

/** The parts of an OpenAPI header and operation this module reads and writes. */
interface HeaderObject {
  description: string;
  required: boolean;
  schema: Record<string, unknown>;
}
export interface DocumentedOperation {
  operationId?: string;
  parameters?: Array<{ in?: string }>;
  responses: Record<string, { description?: string; headers?: Record<string, unknown> }>;
}

/** The response headers clients rely on, once each in `components.headers`. */
export const HEADERS = {
  'X-Request-Id': {
    description:
      'The request id: yours when you sent a sane `X-Request-Id`, else a new UUID; also `requestId` in error bodies and the logs',
    required: true,
    schema: { type: 'string', example: 'b3f1c0de-1d2e-4f3a-8b9c-0d1e2f3a4b5c' },
  },
  'Retry-After': {
    description: 'Seconds to wait before retrying',
    required: true,
    schema: { type: 'integer', minimum: 1, example: 5 },
  },
  'X-Cache': {
    description:
      'How the shared catalog cache served this answer: `HIT`, `MISS` (stored now) or `BYPASS` (not cached: staff views, or the cache is off or unreachable)',
    required: true,
    schema: { type: 'string', enum: ['HIT', 'MISS', 'BYPASS'] },
  },
  'Idempotent-Replayed': {
    description:
      '`true` when this is the stored answer of an earlier request with the same `Idempotency-Key`',
    required: false,
    schema: { type: 'string', enum: ['true'] },
  },
  'X-Cart-Token': {
    description:
      'Only when this request created a guest cart: its token (send it back in `X-Cart-Token`)',
    required: false,
    schema: { type: 'string' },
  },
} satisfies Record<string, HeaderObject>;

type HeaderName = keyof typeof HEADERS;

/**
 * Headers particular to some operations, by operationId and status. Kept here rather than on
 * the controllers so the document is finished in one place; an operationId that no longer
 * exists fails the generation instead of silently documenting nothing.
 */
const OPERATION_HEADERS: Record<string, Record<string, HeaderName[]>> = {
  // The cached catalog reads (CatalogCache + sendCached / the fast path).
  listProducts: { 200: ['X-Cache'] },
  listFeaturedProducts: { 200: ['X-Cache'] },
  getProduct: { 200: ['X-Cache'] },
  listCategories: { 200: ['X-Cache'] },
  getCategory: { 200: ['X-Cache'] },
  listCategoryProducts: { 200: ['X-Cache'] },
  listBrands: { 200: ['X-Cache'] },
  getBrand: { 200: ['X-Cache'] },
  listBrandProducts: { 200: ['X-Cache'] },
  checkout: { 201: ['Idempotent-Replayed'] },
  addCartItem: { 200: ['X-Cart-Token'] },
};

const ref = (name: HeaderName): { $ref: string } => ({ $ref: `#/components/headers/${name}` });

/**
 * Documents the response headers: `X-Request-Id` on every response of every operation (the
 * request-id hook, the router's errors and the shutdown 503 all send it), `Retry-After` on every
 * 429 and 503, and the per-operation ones above.
 */
export function documentHeaders(document: OpenAPIObject, operations: DocumentedOperation[]): void {
  document.components = { ...document.components, headers: { ...HEADERS } };
  const byId = new Map(operations.map((op) => [op.operationId, op]));
  for (const [operationId, statuses] of Object.entries(OPERATION_HEADERS)) {
    const op = byId.get(operationId);
    if (!op) throw new Error(`OpenAPI headers: no operation ${operationId}`);
    for (const [status, names] of Object.entries(statuses)) {
      const response = op.responses[status];
      if (!response) throw new Error(`OpenAPI headers: ${operationId} documents no ${status}`);
      // Replaces an inline copy (addCartItem declares X-Cart-Token itself) with the component.
      for (const name of names) response.headers = { ...response.headers, [name]: ref(name) };
    }
  }
  for (const op of operations) {
    for (const [status, response] of Object.entries(op.responses)) {
      response.headers = { ...response.headers, 'X-Request-Id': ref('X-Request-Id') };
      if (status === '429' || status === '503')
        response.headers['Retry-After'] = ref('Retry-After');
    }
  }
}
