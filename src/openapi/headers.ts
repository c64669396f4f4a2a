import type { OpenAPIObject } from '@nestjs/swagger';

/** The parts of an OpenAPI header and operation this module reads and writes. */
interface HeaderObject {
  description: string;
  required: boolean;
  schema: Record<string, unknown>;
}
export interface DocumentedOperation {
  operationId?: string;
  parameters?: Array<{ in?: string; name?: string }>;
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
  ETag: {
    description:
      "The answer's strong entity tag (a digest of the body, the same on every instance): send it back in `If-None-Match` to get a 304 while it holds. Absent on staff answers",
    required: false,
    schema: { type: 'string', example: '"n4bQgYhMfWWaL-qgxVrQFaO_Txs"' },
  },
  'Cache-Control': {
    description:
      'Public answers: `public, max-age=<HTTP_CACHE_MAX_AGE>, stale-while-revalidate=<HTTP_CACHE_SWR>` (browsers and CDNs may keep them; `Vary: Authorization`). Staff answers: `private, no-store`',
    required: true,
    schema: {
      type: 'string',
      example: 'public, max-age=30, stale-while-revalidate=60',
    },
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
  checkout: { 201: ['Idempotent-Replayed'] },
  checkoutGuestCart: { 201: ['Idempotent-Replayed'] },
  addCartItem: { 200: ['X-Cart-Token'] },
};

/**
 * The cached catalog reads (CatalogCache + sendCached / the fast path): `X-Cache`, and HTTP
 * caching (`ETag`, `Cache-Control`, `If-None-Match` → 304; catalog/cache/http-caching.ts).
 */
const CACHED_READS = [
  'listProducts',
  'listFeaturedProducts',
  'getProduct',
  'listCategories',
  'getCategory',
  'listCategoryProducts',
  'listBrands',
  'getBrand',
  'listBrandProducts',
];
for (const operationId of CACHED_READS)
  OPERATION_HEADERS[operationId] = {
    200: ['X-Cache', 'ETag', 'Cache-Control'],
    304: ['ETag', 'Cache-Control'],
  };

const IF_NONE_MATCH = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  description:
    'An `ETag` of an earlier answer (or several, comma-separated, or `*`): when it still matches, the answer is 304 without a body',
  schema: { type: 'string' },
};

const ref = (name: HeaderName): { $ref: string } => ({ $ref: `#/components/headers/${name}` });

/** The conditional side of the cached reads: the `If-None-Match` parameter and the 304. */
function documentConditionalReads(byId: Map<string | undefined, DocumentedOperation>): void {
  for (const operationId of CACHED_READS) {
    const op = byId.get(operationId);
    if (!op) throw new Error(`OpenAPI headers: no operation ${operationId}`);
    if (!op.parameters?.some((p) => p.name === IF_NONE_MATCH.name))
      op.parameters = [...(op.parameters ?? []), IF_NONE_MATCH];
    op.responses['304'] ??= {
      description:
        'Not modified: `If-None-Match` matches the current `ETag`; no body, the same caching headers',
    };
  }
}

/**
 * Documents the response headers: `X-Request-Id` on every response of every operation (the
 * request-id hook, the router's errors and the shutdown 503 all send it), `Retry-After` on every
 * 429 and 503, and the per-operation ones above.
 */
export function documentHeaders(document: OpenAPIObject, operations: DocumentedOperation[]): void {
  document.components = { ...document.components, headers: { ...HEADERS } };
  const byId = new Map(operations.map((op) => [op.operationId, op]));
  documentConditionalReads(byId);
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
