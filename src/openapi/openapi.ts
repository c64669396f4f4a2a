import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorDto } from '@/common/openapi.js';

export const API_TITLE = 'Shop API';
export const OPTIONAL_AUTH_EXTENSION = 'x-optional-auth';

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
];

type Operation = Record<string, unknown> & {
  security?: unknown[];
  responses?: Record<string, unknown>;
};

/**
 * Finishes the generated document for client generators: schema names without the `Dto`
 * suffix, an explicit `security` on every operation (none, bearer, or optional bearer for
 * catalog reads where staff see more), the 429 of the per-client limit (`RATE_LIMIT`) every
 * operation can answer, and the 503 every database-backed operation can answer.
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
  // OAS 3.0: `nullable` needs a `type` beside it, also on a nullable reference to an enum.
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const schema = node as Record<string, unknown>;
    const allOf = schema.allOf as Array<{ $ref?: string }> | undefined;
    if (schema.nullable === true && !schema.type && allOf?.length === 1 && allOf[0]?.$ref) {
      const target = finishedSchemas[allOf[0].$ref.split('/').pop() ?? ''] as
        { type?: string } | undefined;
      if (target?.type) schema.type = target.type;
    }
    Object.values(schema).forEach(visit);
  };
  visit(finishedSchemas);
  for (const path of Object.values(finished.paths)) {
    for (const op of Object.values(path as Record<string, Operation>)) {
      if (typeof op !== 'object' || !op.responses) continue;
      if (op[OPTIONAL_AUTH_EXTENSION]) {
        op.security = [{}, { bearer: [] }];
        delete op[OPTIONAL_AUTH_EXTENSION];
      } else if (!op.security) {
        op.security = [];
      }
      // RATE_LIMIT covers every route; the auth and guest-cart limits document their own 429s.
      op.responses['429'] ??= {
        description:
          'Too many requests from this client (`RATE_LIMIT` a minute): retry after the `Retry-After` seconds',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
      op.responses['503'] ??= {
        description:
          'The database is temporarily unavailable: retry after the `Retry-After` seconds',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
  }
  return finished;
}

/** Builds the OpenAPI document: operationIds are the controller method names (API.md). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
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
    extraModels: [ErrorDto],
  });
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
