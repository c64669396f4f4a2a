import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorDto, OPTIONAL_AUTH_EXTENSION } from '@/common/openapi.js';
import { type DocumentedOperation, documentHeaders } from './headers.js';
import { WEBHOOK_PAYLOAD_MODELS, WEBHOOKS_DOCUMENT } from '@/webhooks/dto/webhook-payloads.dto.js';

export const API_TITLE = 'Shop API';

const TAGS: Array<[string, string]> = [
  [
    'auth',
    'Registration, login and token refresh (access JWT + single-use rotating refresh tokens)',
  ],
  ['me', 'Your account and password'],
  ['profile', 'Your richer profile, preferences, profile image and address book'],
  ['users', 'User administration (admins)'],
  ['products', 'The catalog: products (reads are public and cached)'],
  ['categories', 'Product categories'],
  ['brands', 'Product brands'],
  ['attributes', 'Variant attributes (Color, Size, …) and their values'],
  ['reviews', 'Product reviews: verified buyers write, staff moderate'],
  ['cart', 'Your cart, or a guest cart by `X-Cart-Token`'],
  ['wishlists', 'Your wishlists, and public ones by share link'],
  ['coupons', 'Discount coupons (staff manage; customers apply at checkout)'],
  ['orders', 'Checkout and orders'],
  ['notifications', 'Stored notifications; live ones arrive over Socket.IO on `/notifications`'],
  [
    'webhooks',
    'Outgoing webhooks (admins): endpoints, their delivery log, redelivery. The bodies sent are under `webhooks`',
  ],
];

type Operation = Record<string, unknown> &
  DocumentedOperation & {
    security?: unknown[];
  };

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/**
 * Error statuses an operation answers that its decorators do not say, by operationId (an
 * unknown operationId fails the generation).
 */
const OPERATION_ERRORS: Record<string, Record<string, string>> = {
  checkout: { 404: 'No active coupon has this `couponCode` (`COUPON_NOT_FOUND`)' },
};

/**
 * The router answers these before any hook, for every route with a path parameter (see
 * `frameworkErrors` in app.factory.ts).
 */
function documentRouterErrors(op: Operation): void {
  if (!op.parameters?.some((p) => p.in === 'path')) return;
  const malformed = '`MALFORMED_URL`: the request URL is not validly percent-encoded';
  const existing = op.responses['400'];
  if (existing)
    existing.description = `${existing.description ?? 'Invalid request'}; or ${malformed}`;
  else op.responses['400'] = errorResponse(`Invalid request: ${malformed}`);
  op.responses['414'] ??= errorResponse(
    '`URI_TOO_LONG`: a path parameter of the request URL is too long',
  );
}

/**
 * Finishes the generated document for client generators: schema names without the `Dto`
 * suffix, an explicit `security` on every operation (none, bearer, or optional bearer for
 * catalog reads where staff see more), the router's 400/414 on routes with path parameters, the
 * 429 of the per-client limit (`RATE_LIMIT`) every operation can answer, the 503 every
 * database-backed operation can answer, the 500 any can, and the response headers (headers.ts).
 */
export function finishDocument(document: OpenAPIObject): OpenAPIObject {
  const schemas = document.components?.schemas ?? {};
  const renames = new Map(
    Object.keys(schemas)
      .filter((n) => n.endsWith('Dto'))
      .map((n) => [n, n.slice(0, -3)]),
  );
  for (const [from, to] of renames) {
    if (schemas[to] && !renames.has(to))
      throw new Error(`OpenAPI schema ${to} would collide with ${from}`);
  }
  let json = JSON.stringify(document);
  for (const [from, to] of renames)
    json = json.replaceAll(`"#/components/schemas/${from}"`, `"#/components/schemas/${to}"`);
  const finished = JSON.parse(json) as OpenAPIObject;
  const finishedSchemas = finished.components?.schemas ?? {};
  for (const [from, to] of renames) {
    finishedSchemas[to] = finishedSchemas[from];
    delete finishedSchemas[from];
  }
  const operations = Object.values(finished.paths).flatMap((path) =>
    Object.values(path as Record<string, Operation>).filter(
      (op) => typeof op === 'object' && op.responses,
    ),
  );
  for (const [operationId, errors] of Object.entries(OPERATION_ERRORS)) {
    const op = operations.find((o) => o.operationId === operationId);
    if (!op) throw new Error(`OpenAPI errors: no operation ${operationId}`);
    for (const [status, description] of Object.entries(errors))
      op.responses[status] ??= errorResponse(description);
  }
  for (const op of operations) {
    if (op[OPTIONAL_AUTH_EXTENSION]) {
      op.security = [{}, { bearer: [] }];
      delete op[OPTIONAL_AUTH_EXTENSION];
    } else if (!op.security) {
      op.security = [];
    } else {
      // A class-level `@ApiBearerAuth()` and `Roles()` each add `{bearer: []}`: the OpenAPI
      // schema wants the requirements unique.
      op.security = [...new Map(op.security.map((s) => [JSON.stringify(s), s])).values()];
    }
    documentRouterErrors(op);
    // RATE_LIMIT covers every route; the auth and guest-cart limits document their own 429s.
    op.responses['429'] ??= errorResponse(
      'Too many requests from this client (`RATE_LIMIT` a minute): retry after the `Retry-After` seconds',
    );
    op.responses['503'] ??= errorResponse(
      'The database is temporarily unavailable: retry after the `Retry-After` seconds',
    );
    // Any operation can fail unexpectedly; the answer is still the one error shape (the e2e
    // contract check sees it when a test injects a failing handler).
    op.responses['500'] ??= errorResponse(
      '`INTERNAL_ERROR`: an unexpected failure; the `requestId` finds it in the server logs',
    );
  }
  documentHeaders(finished, operations);
  return finished;
}

/** Builds the OpenAPI document: operationIds are the controller method names (API.md). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    // 3.1: Nest writes a nullable `$ref` as `anyOf: [{$ref}, {type: 'null'}]` and a nullable
    // scalar as `type: [t, 'null']`, which validators and generators all read alike (3.0's
    // `nullable` beside an `allOf` is read as "must be an object" by some).
    .setOpenAPIVersion('3.1.0')
    .setTitle(API_TITLE)
    .setDescription(
      'E-commerce API: accounts, catalog, cart, checkout, orders and real-time order notifications. ' +
        'Money is integer minor units with an ISO 4217 `currency`. Every error has one shape (`Error`). ' +
        'Live order updates: Socket.IO namespace `/notifications` with `auth: {token}` (see the frontend guide).',
    )
    .setVersion('1.0.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'This server')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer');
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
    extraModels: [ErrorDto, ...WEBHOOK_PAYLOAD_MODELS],
  });
  // What webhook endpoints receive (OpenAPI 3.1 `webhooks`; schema names lose `Dto` below).
  document.webhooks = WEBHOOKS_DOCUMENT;
  return finishDocument(document);
}

/** Serves Swagger UI at /docs and the document at /docs-json (app.factory: when DOCS_ENABLED). */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    customSiteTitle: `${API_TITLE} docs`,
    swaggerOptions: { persistAuthorization: true, displayOperationId: true },
  });
}
