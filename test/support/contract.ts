// Validates HTTP responses against the committed openapi.json with a standard JSON Schema 2020-12
// validator (Ajv): the shared test client (test-app.ts) runs every e2e response through it, so
// the document cannot drift from what the app answers (docs/api/README.md, "How the contract is
// kept").
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule })
  .default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

/** The committed document, next to package.json. */
export const OPENAPI_FILE = fileURLToPath(new URL('../../openapi.json', import.meta.url));

/**
 * Requests that are not operations of the API, answered by other means (static files, Swagger
 * UI, probes): their responses are not checked. Explicit and short on purpose: a path not here
 * and not in the document is held to the common error schema.
 */
export const NOT_API_OPERATIONS: ReadonlyArray<{ method?: string; path: RegExp; why: string }> = [
  { path: /^\/health\/(live|ready)$/, why: 'probes for the orchestrator (excluded from the API)' },
  { path: /^\/metrics$/, why: 'Prometheus text format (excluded from the API)' },
  { path: /^\/docs(-json|-yaml)?(\/.*)?$/, why: 'Swagger UI and the document itself' },
  { path: /^\/docs-asyncapi\.json$/, why: 'the AsyncAPI document (checked by its own suite)' },
  { path: /^\/media\/[^/]+$/, why: 'uploaded images, streamed as bytes' },
  { path: /^\/demo(\/.*)?$/, why: 'the demo page, its dev mailbox and the Socket.IO client' },
  { path: /^\/(reset-password|verify-email|orders\/[^/]+)$/, why: 'email links: the demo page' },
  { path: /^\/socket\.io(\/.*)?$/, why: 'the Socket.IO transport (its events: AsyncAPI)' },
  { method: 'OPTIONS', path: /./, why: 'CORS preflight, answered by @fastify/cors' },
];

/** What the validator needs of a response (a superagent/supertest response satisfies it). */
export interface ObservedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed body (JSON), or a Buffer / `{}` when superagent did not parse it. */
  body?: unknown;
  /** The raw text of a textual body. */
  text?: string;
}

/** A response that disagrees with openapi.json. */
export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

type Json = Record<string, unknown>;
interface ResponseObject {
  description?: string;
  headers?: Record<string, Json>;
  content?: Record<string, { schema?: Json }>;
}
interface OperationObject {
  operationId?: string;
  responses?: Record<string, ResponseObject>;
}
interface Route {
  template: string;
  regex: RegExp;
  /** Per segment: true when literal (the router prefers literal segments to parameters). */
  literal: boolean[];
  operations: Map<string, OperationObject>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** Keywords OpenAPI 3.1 allows in schemas that JSON Schema 2020-12 does not define. */
const OPENAPI_SCHEMA_KEYWORDS = ['example', 'discriminator', 'xml', 'externalDocs'];
const DOC_ID = 'openapi.json';

const escapePointer = (s: string): string => s.replaceAll('~', '~0').replaceAll('/', '~1');
const show = (value: unknown): string => {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};
function valueAt(data: unknown, pointer: string): unknown {
  let current = data;
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replaceAll('~1', '/').replaceAll('~0', '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Json)[key];
  }
  return current;
}
function headerValue(headers: ObservedResponse['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}
/** Every `x-…` key used anywhere in the document (Ajv's strict mode must be told about them). */
function extensionKeywords(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) extensionKeywords(item, found);
  else if (node && typeof node === 'object')
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-')) found.add(key);
      extensionKeywords(value, found);
    }
  return found;
}

/** Adds `unevaluatedProperties: false` to every object schema with open, listed properties. */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) node.forEach(closeObjects);
  else if (node && typeof node === 'object') {
    const schema = node as Json;
    for (const value of Object.values(schema)) closeObjects(value);
    if (
      schema.properties &&
      typeof schema.properties === 'object' &&
      !('additionalProperties' in schema) &&
      !('unevaluatedProperties' in schema)
    )
      schema.unevaluatedProperties = false;
  }
  return node;
}

/**
 * The committed OpenAPI document, compiled: {@link Contract.check} finds the operation of a
 * request and checks the response's status, content type, body and documented headers.
 *
 * Ajv runs in strict mode (a keyword it does not know in a schema is an error, so a typo in a
 * decorator cannot silently validate nothing); the OpenAPI-only keywords (`example`,
 * `discriminator`, `xml`, `externalDocs`, and the `x-…` extensions the document uses) are
 * declared as an annotation-only vocabulary (`ajv.addVocabulary`, not `strict: false`).
 * `deprecated` is JSON Schema 2020-12's own.
 */
export class Contract {
  private readonly ajv: Ajv2020;
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();

  /**
   * `closedObjects` (the default): an object schema that lists its `properties` and says nothing
   * about others gets `unevaluatedProperties: false` here (not in the document), so a field the
   * app sends that the document does not describe fails too: generated clients cannot see it,
   * and it may be a leak. Off, the document is read exactly as written (open objects).
   */
  constructor(
    private readonly document: Json,
    { closedObjects = true }: { closedObjects?: boolean } = {},
  ) {
    if (closedObjects) this.document = closeObjects(structuredClone(document)) as Json;
    document = this.document;
    this.ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
    addFormats(this.ajv);
    this.ajv.addVocabulary([...OPENAPI_SCHEMA_KEYWORDS, ...extensionKeywords(document)]);
    // The root Ajv compiles is only the two containers the `$ref`s point into; declared as
    // annotations so it compiles, their schemas are compiled (strictly) when referenced.
    this.ajv.addVocabulary(['paths', 'components', 'webhooks']);
    this.ajv.addSchema(
      { paths: document.paths, components: document.components, webhooks: document.webhooks },
      DOC_ID,
    );
    const paths = (document.paths ?? {}) as Record<string, Json>;
    this.routes = Object.entries(paths).map(([template, item]) => {
      const segments = template.split('/').slice(1);
      const pattern = segments
        .map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      const operations = new Map<string, OperationObject>();
      for (const method of METHODS)
        if (item[method]) operations.set(method.toUpperCase(), item[method]);
      return {
        template,
        regex: new RegExp(`^/${pattern}$`),
        literal: segments.map((s) => !s.startsWith('{')),
        operations,
      };
    });
  }

  /** Loads and compiles a document file (by default the committed openapi.json). */
  static load(file = OPENAPI_FILE): Contract {
    return new Contract(JSON.parse(readFileSync(file, 'utf8')) as Json);
  }

  /**
   * Compiles every response schema and header schema of the document now (the unit test: a
   * schema Ajv cannot read fails there, not in the middle of an e2e run); returns how many.
   */
  compileAll(): number {
    let count = 0;
    for (const route of this.routes)
      for (const [verb, operation] of route.operations)
        for (const [status, response] of Object.entries(operation.responses ?? {})) {
          const pointer = `#/paths/${escapePointer(route.template)}/${verb.toLowerCase()}/responses/${status}`;
          for (const [type, media] of Object.entries(response.content ?? {}))
            if (media.schema) {
              this.validator(`${pointer}/content/${escapePointer(type)}/schema`);
              count += 1;
            }
          for (const header of Object.values(response.headers ?? {})) {
            const schema = this.resolve(header).schema;
            if (schema) this.headerValidator(schema as Json);
          }
        }
    return count;
  }

  /**
   * Checks a body the server POSTed to a webhook endpoint against the document's `webhooks`
   * entry for `event` (`order.created`, …): receivers generate their types from it too.
   */
  checkWebhook(event: string, body: unknown): void {
    const documented = (this.document.webhooks as Record<string, unknown> | undefined)?.[event];
    if (!documented) throw new ContractViolation(`webhook ${event}: not in the document`);
    const validate = this.validator(
      `#/webhooks/${escapePointer(event)}/post/requestBody/content/application~1json/schema`,
    );
    if (!validate(body))
      throw new ContractViolation(
        `webhook ${event}: the body does not match openapi.json:\n${this.describe(validate, body)}`,
      );
  }

  /** Why a request is outside the API (the allow-list above), or undefined. */
  static notAnOperation(method: string, path: string): string | undefined {
    return NOT_API_OPERATIONS.find(
      (entry) => (!entry.method || entry.method === method.toUpperCase()) && entry.path.test(path),
    )?.why;
  }

  /**
   * Throws a {@link ContractViolation} when `response` is not what the document promises for
   * `method` `url` (a path, with or without a query string). Requests outside the API (the
   * allow-list) pass; a request the document does not describe (an unknown path or method) must
   * still be answered with an error status and the common error body.
   */
  check(method: string, url: string, response: ObservedResponse): void {
    const verb = method.toUpperCase();
    // The router ignores a trailing slash; a query string or fragment is not part of the path.
    const path = url.replace(/[?#].*$/s, '').replace(/(.)\/$/, '$1');
    if (Contract.notAnOperation(verb, path)) return;
    const route = this.route(path);
    // Fastify answers HEAD for every GET route, with the GET's status and headers, no body.
    const operation = route?.operations.get(verb === 'HEAD' ? 'GET' : verb);
    if (!route || !operation) {
      this.checkUndescribed(verb, path, response);
      return;
    }
    const name = operation.operationId ?? `${verb} ${route.template}`;
    const where = `${name} (${verb} ${path}) answered ${response.status}`;
    const responses = operation.responses ?? {};
    const status = String(response.status);
    const key = [status, `${status[0]}XX`, 'default'].find((k) => responses[k]);
    // An unexpected failure is documented on no operation by design (docs/api/README.md,
    // Errors); when a test provokes one, its body must still be the one error shape.
    if (!key && response.status === 500) {
      this.checkErrorShape(where, verb, response);
      return;
    }
    if (!key)
      throw new ContractViolation(
        `${where}, a status openapi.json does not document for ${name} (documented: ${Object.keys(responses).join(', ')})${this.errorHint(response)}`,
      );
    const documented = responses[key];
    this.checkHeaders(where, documented, response);
    if (verb === 'HEAD') return;
    const pointer = `#/paths/${escapePointer(route.template)}/${verb.toLowerCase()}/responses/${key}`;
    this.checkContent(where, pointer, documented, response);
  }

  /** The route of a concrete path: literal segments win over parameters, as in the router. */
  private route(path: string): Route | undefined {
    const matches = this.routes.filter((r) => r.regex.test(path));
    matches.sort((a, b) => {
      for (let i = 0; i < a.literal.length; i += 1)
        if (a.literal[i] !== b.literal[i]) return a.literal[i] ? -1 : 1;
      return 0;
    });
    return matches[0];
  }

  /** An unknown path or method: only an error, in the one error shape, is acceptable. */
  private checkUndescribed(verb: string, path: string, response: ObservedResponse): void {
    const where = `${verb} ${path} (no operation in openapi.json) answered ${response.status}`;
    if (response.status < 400)
      throw new ContractViolation(
        `${where}: only an error may answer a request the document does not describe (add the operation, or the path to NOT_API_OPERATIONS in test/support/contract.ts if it is not part of the API)`,
      );
    this.checkErrorShape(where, verb, response);
  }

  /** The one error shape (`#/components/schemas/Error`) with the request id header. */
  private checkErrorShape(where: string, verb: string, response: ObservedResponse): void {
    const error: ResponseObject = {
      headers: { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } },
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
    this.checkHeaders(where, error, response);
    if (verb !== 'HEAD') this.checkContent(where, '#/components/schemas/Error', error, response);
  }

  private checkContent(
    where: string,
    pointer: string,
    documented: ResponseObject,
    response: ObservedResponse,
  ): void {
    const hasBody =
      (response.text ?? '') !== '' || (Buffer.isBuffer(response.body) && response.body.length > 0);
    const types = Object.keys(documented.content ?? {});
    const received = headerValue(response.headers, 'content-type');
    if (types.length === 0) {
      if (hasBody)
        throw new ContractViolation(
          `${where}: openapi.json documents no body, the response has one (${received ?? 'no content-type'}): ${show(response.text)}`,
        );
      return;
    }
    const mediaType = received?.split(';')[0]?.trim().toLowerCase();
    const declared = types.find((t) => {
      const [type, subtype] = t.toLowerCase().split('/');
      const [gotType, gotSubtype] = (mediaType ?? '').split('/');
      return (type === '*' || type === gotType) && (subtype === '*' || subtype === gotSubtype);
    });
    if (!declared)
      throw new ContractViolation(
        `${where} with content-type ${received ?? '(none)'}; openapi.json declares ${types.join(', ')}`,
      );
    const schema = documented.content?.[declared]?.schema;
    if (!schema) return;
    let body: unknown;
    if (/^application\/(.+\+)?json$/.test(mediaType ?? '')) {
      if (!hasBody) throw new ContractViolation(`${where} with an empty ${mediaType} body`);
      body = response.body;
    } else if (mediaType?.startsWith('text/')) {
      body = response.text ?? '';
    } else {
      return; // bytes (images, downloads): the content type is what a client can check
    }
    const validate = this.validator(
      pointer.startsWith('#/components/')
        ? pointer
        : `${pointer}/content/${escapePointer(declared)}/schema`,
    );
    if (!validate(body))
      throw new ContractViolation(`${where}, body not valid:\n${this.describe(validate, body)}`);
  }

  /** Required documented headers are present; every documented header sent fits its schema. */
  private checkHeaders(where: string, documented: ResponseObject, response: ObservedResponse) {
    for (const [name, declared] of Object.entries(documented.headers ?? {})) {
      const header = this.resolve(declared);
      const value = headerValue(response.headers, name);
      if (value === undefined) {
        if (header.required === true)
          throw new ContractViolation(`${where} without the required header ${name}`);
        continue;
      }
      const schema = header.schema as Json | undefined;
      if (!schema) continue;
      const typed = ['integer', 'number'].includes(schema.type as string) ? Number(value) : value;
      const validate = this.headerValidator(schema);
      if (!validate(typed))
        throw new ContractViolation(
          `${where}: header ${name} ${show(value)} not valid:\n${this.describe(validate, typed)}`,
        );
    }
  }

  private readonly headerValidators = new Map<Json, ValidateFunction>();
  private headerValidator(schema: Json): ValidateFunction {
    let validate = this.headerValidators.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.headerValidators.set(schema, validate);
    }
    return validate;
  }

  private resolve(node: Json): Json {
    const ref = node.$ref;
    if (typeof ref !== 'string') return node;
    return valueAt(this.document, ref.slice(1)) as Json;
  }

  private validator(pointer: string): ValidateFunction {
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOC_ID}${pointer}` });
      this.validators.set(pointer, validate);
    }
    return validate;
  }

  /** A few readable lines: JSON pointer in the body, what is wrong, the value found. */
  private describe(validate: ValidateFunction, data: unknown): string {
    const errors = validate.errors ?? [];
    // A nullable `$ref` fails both branches of its anyOf: the deepest messages say the most.
    const concrete = errors.filter((e) => !['anyOf', 'oneOf', 'if'].includes(e.keyword));
    const lines = [
      ...new Set((concrete.length ? concrete : errors).map((e) => this.line(e, data))),
    ];
    const shown = lines.slice(0, 4).join('\n');
    return lines.length > 4 ? `${shown}\n  … and ${lines.length - 4} more` : shown;
  }

  private line(error: ErrorObject, data: unknown): string {
    const at = error.instancePath || '(root)';
    const params = error.params as { additionalProperty?: string; unevaluatedProperty?: string };
    const extra = params.unevaluatedProperty ?? params.additionalProperty;
    if (extra !== undefined)
      return `  ${at} has ${extra}, a property openapi.json does not describe, = ${show(valueAt(data, `${error.instancePath}/${escapePointer(extra)}`))}`;
    return `  ${at} ${error.message ?? error.keyword}, got ${show(valueAt(data, error.instancePath))}`;
  }

  private errorHint(response: ObservedResponse): string {
    const body = response.body as { code?: unknown; message?: unknown } | undefined;
    return body && typeof body === 'object' && 'code' in body
      ? `: ${String(body.code)} ${show(body.message)}`
      : '';
  }
}
