import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorDto, FieldErrorDto, OPTIONAL_AUTH_EXTENSION } from '@/common/openapi.js';
import { documentErrors } from './error-responses.js';
import { documentExamples } from './examples.js';
import { type DocumentedOperation, documentHeaders } from './headers.js';
import { WEBHOOK_PAYLOAD_MODELS, WEBHOOKS_DOCUMENT } from '@/webhooks/dto/webhook-payloads.dto.js';
import {
  ASYNCAPI_DOCUMENT_PATH,
  buildAsyncApiDocument,
} from '@/notifications/asyncapi-document.js';
import pluginMetadata from '../metadata.js';

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

/**
 * Finishes the generated document for client generators: schema names without the `Dto`
 * suffix, an explicit `security` on every operation (none, bearer, or optional bearer for
 * catalog reads where staff see more), the error responses with the codes each can carry
 * (error-responses.ts), an example on every schema (examples.ts), and the response headers
 * (headers.ts).
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
  }
  documentErrors(finished);
  documentExamples(finished);
  documentHeaders(finished, operations);
  return finished;
}

/** Where @nestjs/swagger keeps a model's property names (`:name`) and its plugin metadata. */
const MODEL_PROPERTIES = 'swagger/apiModelPropertiesArray';
const PLUGIN_FACTORY = '_OPENAPI_METADATA_FACTORY';

type ModelClass = Partial<Record<typeof PLUGIN_FACTORY, () => Record<string, unknown>>> & {
  prototype: object;
};
type PluginModels = Array<[Promise<Record<string, ModelClass>>, Record<string, unknown>]>;

/**
 * Swagger lists a model's properties in the order their `@ApiProperty` ran, and adds the plugin's
 * other properties after those: a property without a decorator would move behind the decorated
 * ones (and in the schema's `required` list). The model's properties are put back in source order
 * (the plugin's metadata lists them so, ancestors' first); others (from a base class outside the
 * DTO files) keep their places.
 */
function keepDeclarationOrder(model: ModelClass): void {
  const declared: string[] = [];
  for (
    let c: ModelClass | null = model;
    c && c !== Function.prototype;
    c = Object.getPrototypeOf(c) as ModelClass | null
  ) {
    const own = Object.hasOwn(c, PLUGIN_FACTORY) ? Object.keys(c[PLUGIN_FACTORY]?.() ?? {}) : [];
    declared.unshift(...own.filter((key) => !declared.includes(key)));
  }
  const listed = [...((Reflect.getMetadata(MODEL_PROPERTIES, model.prototype) ?? []) as string[])];
  const position = (entry: string) => declared.indexOf(entry.slice(1));
  // Those already listed (a mapped type such as PartialType lists its source's in the same way).
  const slots = listed.flatMap((entry, i) => (position(entry) === -1 ? [] : [i]));
  const sorted = slots.map((i) => listed[i]).sort((a, b) => position(a) - position(b));
  slots.forEach((slot, i) => (listed[slot] = sorted[i]));
  declared.forEach((key, i) => {
    if (listed.includes(`:${key}`)) return;
    const next = listed.findIndex((entry) => position(entry) > i);
    listed.splice(next === -1 ? listed.length : next, 0, `:${key}`);
  });
  Reflect.defineMetadata(MODEL_PROPERTIES, listed, model.prototype);
}

let pluginMetadataLoaded: Promise<void> | undefined;

async function applyPluginMetadata(): Promise<void> {
  const metadata = await pluginMetadata();
  await SwaggerModule.loadPluginMetadata(() => Promise.resolve(metadata));
  for (const [module, classes] of metadata['@nestjs/swagger'].models as unknown as PluginModels) {
    const exports = await module;
    for (const name of Object.keys(classes)) keepDeclarationOrder(exports[name]);
  }
}

/**
 * Applies src/metadata.ts (`npm run openapi:metadata`): the type, required, enum, nullable and
 * validator limits of every DTO property, as the @nestjs/swagger CLI plugin reads them, under the
 * explicit `@ApiProperty` options (those win). Once per process, before the first document.
 */
export function loadOpenApiMetadata(): Promise<void> {
  return (pluginMetadataLoaded ??= applyPluginMetadata());
}

/**
 * Builds the OpenAPI document: operationIds are the controller method names (API.md).
 * `loadOpenApiMetadata()` must have finished first (generate.ts awaits it; `setupOpenApi`
 * holds every /docs request until it has).
 */
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
    extraModels: [ErrorDto, FieldErrorDto, ...WEBHOOK_PAYLOAD_MODELS],
  });
  // What webhook endpoints receive (OpenAPI 3.1 `webhooks`; schema names lose `Dto` below).
  document.webhooks = WEBHOOKS_DOCUMENT;
  return finishDocument(document);
}

/**
 * Serves Swagger UI at /docs, the document at /docs-json, and the AsyncAPI document of the
 * Socket.IO notifications at /docs-asyncapi.json (app.factory: when DOCS_ENABLED).
 *
 * Nothing is built at start: the plugin metadata is applied before the first /docs request is
 * routed, and each document is built on its first request (Swagger's factory; the AsyncAPI
 * text memoized here). Applying the metadata at start cost every instance ~2 MB and part of its
 * start-up for a page most of them never serve (bench/README.md, round 3).
 */
export function setupOpenApi(app: INestApplication): void {
  const http = app.getHttpAdapter();
  const fastify = http.getInstance() as FastifyInstance;
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (!request.url.startsWith('/docs')) return done();
    loadOpenApiMetadata().then(() => done(), done);
  });
  let asyncApi: string | undefined;
  http.get(ASYNCAPI_DOCUMENT_PATH, (_request: unknown, reply: unknown) => {
    asyncApi ??= JSON.stringify(buildAsyncApiDocument());
    http.setHeader(reply, 'Content-Type', 'application/json; charset=utf-8');
    http.reply(reply, asyncApi, 200);
  });
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    customSiteTitle: `${API_TITLE} docs`,
    swaggerOptions: { persistAuthorization: true, displayOperationId: true },
  });
}
