/**
 * fast-check arbitraries derived from the committed OpenAPI document: for every operation, a
 * request (path, query, headers, body) built from its parameters' and request body's schemas,
 * mixing valid values, boundary values and invalid ones (wrong types, missing required fields,
 * extra fields, huge strings, unicode, injection strings, bodies over the 1 MB limit, hostile
 * files and malformed `multipart/form-data`).
 *
 * Nothing here knows the API beyond the document, except the optional `FuzzContext`, which lends
 * real ids and a few values the schema cannot express (a strong password, a real country code, a
 * real image), so that valid requests reach deep into the handlers instead of stopping at "not
 * found".
 */
import fc from 'fast-check';
import {
  BIG_INTEGER_TEXTS,
  BIG_INTEGERS,
  bigIntegerField,
  bigIntegerText,
  toJson,
} from './big-integers.js';

/** The subset of JSON Schema / OpenAPI 3 schema keywords the document uses. */
export interface Schema {
  $ref?: string;
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
  format?: string;
  enum?: unknown[];
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  default?: unknown;
  description?: string;
  example?: unknown;
}

interface RawParameter {
  $ref?: string;
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface RawOperation {
  operationId?: string;
  summary?: string;
  responses?: Record<string, unknown>;
  parameters?: RawParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  security?: Array<Record<string, string[]>>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
  components?: {
    schemas?: Record<string, Schema>;
    parameters?: Record<string, RawParameter>;
  };
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

export interface Operation {
  operationId: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The templated path, e.g. `/api/orders/{id}`. */
  path: string;
  parameters: Parameter[];
  /** The JSON request body's schema (resolved), when the operation takes one. */
  body?: Schema;
  /** The `multipart/form-data` request body's schema (resolved): an upload. */
  form?: Schema;
  /** No security requirement, or an empty one among the alternatives: anonymous callers allowed. */
  anonymousAllowed: boolean;
  summary: string;
  /** The documented response statuses, e.g. `['200', '401', '403']`. */
  responses: string[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function resolveRef<T>(doc: OpenApiDocument, ref: string): T {
  const parts = ref.replace(/^#\//, '').split('/');
  let node: unknown = doc;
  for (const part of parts) {
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/')];
  }
  if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
  return node as T;
}

const isNull = (s: Schema): boolean => (s as { type?: unknown }).type === 'null';

/**
 * OpenAPI 3.1 spells "or null" as `type: [t, 'null']`, `anyOf`/`oneOf` with a `{type: 'null'}`
 * branch, or `null` in an `enum`: read each as the one `nullable: true` the arbitraries know.
 */
export function withNullable(schema: Schema): Schema {
  const type = (schema as { type?: unknown }).type;
  if (Array.isArray(type) && type.includes('null')) {
    const rest = type.filter((t) => t !== 'null') as Array<NonNullable<Schema['type']>>;
    if (rest.length !== 1) throw new Error(`unsupported type ${JSON.stringify(type)}`);
    return withNullable({ ...schema, type: rest[0], nullable: true });
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (!branches?.some(isNull)) continue;
    const { [key]: _branches, ...siblings } = schema;
    const rest = branches.filter((b) => !isNull(b));
    const nullable = { ...siblings, nullable: true };
    // One other branch: the schema itself, nullable (its siblings, e.g. a description, win).
    return rest.length === 1
      ? withNullable({ ...rest[0], ...nullable })
      : { ...nullable, [key]: rest };
  }
  if (schema.enum?.includes(null))
    return { ...schema, enum: schema.enum.filter((v) => v !== null), nullable: true };
  return schema;
}

/**
 * `schema` with every `$ref` resolved and every `allOf` merged into one schema (the sibling
 * keywords, e.g. `nullable` or `description` beside an `allOf: [{$ref}]`, win), recursively.
 */
export function resolveSchema(doc: OpenApiDocument, schema: Schema, depth = 0): Schema {
  if (depth > 20) throw new Error('schema nesting too deep (a recursive $ref?)');
  let s: Schema = withNullable(schema);
  if (s.$ref) {
    const { $ref, ...siblings } = s;
    s = { ...resolveSchema(doc, resolveRef<Schema>(doc, $ref), depth + 1), ...siblings };
  }
  if (s.allOf) {
    const { allOf, ...siblings } = s;
    s = allOf
      .map((part) => resolveSchema(doc, part, depth + 1))
      .reduce<Schema>(
        (merged, part) => ({
          ...merged,
          ...part,
          properties: { ...merged.properties, ...part.properties },
          required: [...(merged.required ?? []), ...(part.required ?? [])],
        }),
        {},
      );
    s = { ...s, ...siblings };
    if (s.properties && Object.keys(s.properties).length === 0) delete s.properties;
    if (s.required && s.required.length === 0) delete s.required;
  }
  const out: Schema = { ...s };
  if (out.properties) {
    out.properties = Object.fromEntries(
      Object.entries(out.properties).map(([k, v]) => [k, resolveSchema(doc, v, depth + 1)]),
    );
  }
  if (out.items) out.items = resolveSchema(doc, out.items, depth + 1);
  if (out.oneOf) out.oneOf = out.oneOf.map((v) => resolveSchema(doc, v, depth + 1));
  if (out.anyOf) out.anyOf = out.anyOf.map((v) => resolveSchema(doc, v, depth + 1));
  if (typeof out.additionalProperties === 'object') {
    out.additionalProperties = resolveSchema(doc, out.additionalProperties, depth + 1);
  }
  return out;
}

/** Every operation of the document, with parameters and body schema resolved. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const shared = (item.parameters as RawParameter[] | undefined) ?? [];
    for (const method of METHODS) {
      const raw = item[method] as RawOperation | undefined;
      if (!raw) continue;
      const parameters = [...shared, ...(raw.parameters ?? [])]
        .map((p) => (p.$ref ? resolveRef<RawParameter>(doc, p.$ref) : p))
        .filter((p): p is RawParameter & { in: Parameter['in'] } => p.in !== 'cookie')
        .map((p) => ({
          name: p.name,
          in: p.in,
          required: p.in === 'path' || p.required === true,
          schema: resolveSchema(doc, p.schema ?? { type: 'string' }),
        }));
      const json = raw.requestBody?.content?.['application/json']?.schema;
      const form = raw.requestBody?.content?.['multipart/form-data']?.schema;
      const security = raw.security;
      operations.push({
        operationId: raw.operationId ?? `${method} ${path}`,
        method,
        path,
        parameters,
        body: json ? resolveSchema(doc, json) : undefined,
        form: form ? resolveSchema(doc, form) : undefined,
        anonymousAllowed:
          security === undefined ||
          security.length === 0 ||
          security.some((r) => Object.keys(r).length === 0),
        summary: raw.summary ?? '',
        responses: Object.keys(raw.responses ?? {}),
      });
    }
  }
  return operations;
}

/**
 * The role an operation is restricted to, as the document says it: the role guard documents a
 * 403 (besides the 401), and the summary names the role, "Create a coupon (staff)", "List users
 * (admin)". A 403 without a role in the summary is an owner check (cancelling another's order),
 * not a role, and a role in the summary without a documented 403 is no guard: neither counts.
 */
export function restrictedTo(op: Operation): 'staff' | 'admin' | undefined {
  if (!op.responses.includes('403')) return undefined;
  const role = /\((staff|admin)\)/.exec(op.summary)?.[1];
  return role === 'staff' || role === 'admin' ? role : undefined;
}

// ---------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------

/** SQL, NoSQL, template, path, header and script injection payloads. */
export const INJECTIONS: readonly string[] = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "'; DROP TABLE users; --",
  '" OR ""="',
  "1'; SELECT pg_sleep(5); --",
  "admin'--",
  '1 UNION SELECT password_hash FROM users',
  "') OR ('a'='a",
  '%27%20OR%201%3D1',
  '\\',
  "\\'",
  '%',
  '_',
  '%%',
  '$1',
  ':id',
  '?',
  '{"$gt": ""}',
  '{"$ne": null}',
  '[$ne]=1',
  "'; return true; var x='",
  '{{7*7}}',
  '${7*7}',
  '#{7*7}',
  '<%= 7*7 %>',
  '{{constructor.constructor("return process")()}}',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '../../../../etc/passwd',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '/etc/passwd\u0000.png',
  'file:///etc/passwd',
  'http://169.254.169.254/latest/meta-data/',
  '$(reboot)',
  '`id`',
  '| cat /etc/passwd',
  '\r\nSet-Cookie: x=1',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  'true',
  '0',
  '-1',
  '1e309',
  '0x7fffffff',
];

/** Unicode that has broken parsers, databases and slug generators. */
export const UNICODE: readonly string[] = [
  '',
  ' ',
  '   \t\n  ',
  '\u0000',
  'a\u0000b',
  '\u0001\u001f\u007f',
  '\ud83d\ude00',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  '\u202eevil\u202c',
  'مرحبا بالعالم',
  'שָׁלוֹם',
  'Ω≈ç√∫˜µ≤≥÷',
  'Ǆǅǆ ß ﬁ İ ı',
  'e\u0301\u0301\u0301\u0301',
  'Z̴̡̛̟͓͖̼̲̪̤͍̖̊̌͂͒̊̏͠a̵l̶g̷o̸',
  '\ufeffBOM',
  '\u200b\u200c\u200d\u2060',
  '\ufffd\ufffe\uffff',
  '\ud800',
  '\udfff\ud800',
  '𝕿𝖍𝖊 𝖖𝖚𝖎𝖈𝖐',
  '日本語テキスト',
  '한국어',
  '\u00a0\u2028\u2029',
];

const HUGE_LENGTHS = [1_000, 10_000, 100_000] as const;

/** A string about 1 KB, 10 KB or 100 KB long, of plain or multi-byte characters. */
export const hugeString = (): fc.Arbitrary<string> =>
  fc
    .tuple(fc.constantFrom(...HUGE_LENGTHS), fc.constantFrom('x', 'é', '😀', "' OR 1=1 -- "))
    .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));

/** Any hostile string: injections, unicode, huge, control characters, random unicode. */
export const nastyString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...INJECTIONS) },
    { weight: 4, arbitrary: fc.constantFrom(...UNICODE) },
    { weight: 1, arbitrary: hugeString() },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...INJECTIONS), fc.constantFrom(...UNICODE))
        .map(([a, b]) => `${b}${a}${b}`),
    },
  );

/** Field names a client should never be able to set (mass assignment). */
export const MASS_ASSIGNMENT_FIELDS: readonly string[] = [
  'role',
  'isAdmin',
  'admin',
  'id',
  'userId',
  'ownerId',
  'email',
  'passwordHash',
  'price',
  'unitPrice',
  'total',
  'subtotal',
  'discountAmount',
  'stock',
  'status',
  'paymentStatus',
  'number',
  'createdAt',
  'version',
  'slug',
  'costPrice',
];

// ---------------------------------------------------------------------------------------------
// Values from schemas
// ---------------------------------------------------------------------------------------------

/** What a test lends the generators: real ids and values the schema cannot express. */
export interface FuzzContext {
  /**
   * Known-good values by property or parameter name (e.g. `productId`, `country`, `password`,
   * `idOrSlug`): a list read when a value is generated (so it may change between runs), or an
   * arbitrary of valid values (e.g. an SKU pattern). Entirely valid requests use only these where
   * given; an empty list leaves the property or query parameter out of them.
   */
  known?: Record<string, (() => readonly unknown[]) | fc.Arbitrary<unknown>>;
  /**
   * Query parameters that only make sense together, forged in ways the document cannot describe
   * (a keyset `cursor` carrying a huge sort value, with the `sort` it was made for): some fuzzed
   * requests are an entirely valid one with these parameters put in.
   */
  forgedQuery?: fc.Arbitrary<Record<string, string>>;
}

/** Marks a property left out of an object. */
const MISSING = Symbol('missing');
type Maybe<T> = T | typeof MISSING;

const INT32_MAX = 2 ** 31 - 1;
const clampLength = (n: number | undefined, fallback: number): number =>
  Math.min(n ?? fallback, fallback);

function knownValue(ctx: FuzzContext, name: string | undefined): fc.Arbitrary<unknown> | undefined {
  const list = name ? ctx.known?.[name] : undefined;
  if (!list) return undefined;
  if (list instanceof fc.Arbitrary) return list;
  return fc.nat().chain((i) => {
    const values = list();
    return values.length === 0 ? fc.constant(undefined) : fc.constant(values[i % values.length]);
  });
}

function integerIn(min: number, max: number): fc.Arbitrary<number> {
  if (min >= -INT32_MAX && max <= INT32_MAX) return fc.integer({ min, max });
  return fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number);
}

function stringOf(schema: Schema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, clampLength(schema.maxLength, 40));
  switch (schema.format ?? '') {
    case 'uuid':
      return fc.uuid();
    case 'email':
      return fc.oneof(
        fc
          .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9.+_-]{0,20}$/), fc.uuid())
          .map(([local, id]) => `${local.replace(/\.+$/, '')}${id.slice(0, 8)}@example.test`),
        fc.emailAddress().filter((e) => e.length <= (schema.maxLength ?? 254)),
      );
    case 'uri':
      return fc.webUrl({ validSchemes: ['https', 'http'] }).filter((u) => u.length <= maxLength);
    case 'date-time':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'date':
      return fc
        .date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    default:
      return fc.oneof(
        { weight: 3, arbitrary: fc.string({ minLength: Math.max(minLength, 1), maxLength }) },
        {
          weight: 1,
          arbitrary: fc.string({ unit: 'grapheme', minLength: Math.max(minLength, 1), maxLength }),
        },
      );
  }
}

/** A value the schema accepts (format and range respected), or a known-good one by `name`. */
export function validValue(
  schema: Schema,
  ctx: FuzzContext = {},
  name?: string,
  /** Only the known values when there are some (requests meant to succeed). */
  strict = false,
): fc.Arbitrary<unknown> {
  const known = knownValue(ctx, name);
  const own = schemaValue(schema, ctx);
  const value = known
    ? strict
      ? known
      : fc.oneof({ weight: 3, arbitrary: known }, { weight: 1, arbitrary: own })
    : own;
  return schema.nullable ? fc.oneof({ weight: 5, arbitrary: value }, fc.constant(null)) : value;
}

function schemaValue(schema: Schema, ctx: FuzzContext): fc.Arbitrary<unknown> {
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  if (schema.oneOf ?? schema.anyOf) {
    return fc.oneof(...(schema.oneOf ?? schema.anyOf ?? []).map((s) => validValue(s, ctx)));
  }
  switch (schema.type) {
    case 'string':
      return stringOf(schema);
    case 'integer':
      return integerIn(schema.minimum ?? -1_000_000, schema.maximum ?? 1_000_000);
    case 'number':
      return fc.double({
        min: schema.minimum ?? -1e6,
        max: schema.maximum ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validValue(schema.items ?? {}, ctx), {
        minLength: schema.minItems ?? 0,
        maxLength: clampLength(schema.maxItems, 4),
      });
    case 'object':
    case undefined:
      if (schema.properties || schema.type === 'object') return objectOf(schema, ctx, 'valid');
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Values on and just past the edges of the schema: lengths, ranges, empty, extremes. */
export function boundaryValue(schema: Schema): fc.Arbitrary<unknown> {
  const candidates: unknown[] = [];
  switch (schema.type) {
    case 'string': {
      const { minLength = 0, maxLength } = schema;
      candidates.push('', ' ', 'a');
      if (minLength > 0) candidates.push('a'.repeat(minLength), 'a'.repeat(minLength - 1));
      if (maxLength !== undefined) {
        candidates.push('a'.repeat(maxLength), 'a'.repeat(maxLength + 1), '😀'.repeat(maxLength));
        candidates.push(` ${'a'.repeat(Math.max(0, maxLength - 1))} `);
      }
      if (schema.format === 'uuid') {
        candidates.push(
          '00000000-0000-0000-0000-000000000000',
          'ffffffff-ffff-ffff-ffff-ffffffffffff',
          '00000000-0000-0000-0000-00000000000',
          '00000000-0000-0000-0000-0000000000000',
          '{00000000-0000-0000-0000-000000000000}',
          '00000000000000000000000000000000',
          'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
        );
      }
      if (schema.format === 'email') {
        candidates.push('a@b', '@example.test', 'a@', 'a@@example.test', `${'a'.repeat(250)}@x.io`);
      }
      if (schema.format === 'uri') {
        candidates.push(
          'ftp://x.test/a',
          'javascript:alert(1)',
          '//x.test',
          'http://',
          'https://a',
        );
      }
      break;
    }
    case 'integer':
    case 'number': {
      const { minimum, maximum } = schema;
      candidates.push(0, -1, 1, INT32_MAX, INT32_MAX + 1, -(2 ** 31) - 1, 2 ** 53, -(2 ** 53));
      candidates.push(Number.MAX_SAFE_INTEGER + 2, 1e21, 1e308, -1e308, 0.5, 1.000001, -0);
      candidates.push(...BIG_INTEGERS);
      if (minimum !== undefined) candidates.push(minimum, minimum - 1, minimum + 0.5);
      if (maximum !== undefined) candidates.push(maximum, maximum + 1, maximum - 0.5);
      break;
    }
    case 'boolean':
      candidates.push(true, false);
      break;
    case 'array':
      candidates.push([], [null], new Array(1_000).fill({}));
      break;
    case 'object':
    case undefined:
      candidates.push({}, { '': '' });
      break;
  }
  if (schema.enum)
    candidates.push(...schema.enum.map((v) => (typeof v === 'string' ? v.toUpperCase() : v)));
  if (schema.enum) candidates.push('', ` ${String(schema.enum[0])}`);
  if (schema.nullable) candidates.push(null);
  return fc.constantFrom(...candidates);
}

/** Arrays or objects nested `depth` levels deep (built without recursion). */
export function nested(depth: number, kind: 'array' | 'object'): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = kind === 'array' ? [value] : { a: value };
  return value;
}

/** Values nested a little too deep (33 levels) to deep (500). */
export const deepValue = (): fc.Arbitrary<unknown> =>
  fc
    .tuple(fc.constantFrom(33, 100, 500), fc.constantFrom('array' as const, 'object' as const))
    .map(([depth, kind]) => nested(depth, kind));

/**
 * JSON text nested 2,000 to 20,000 levels deep, as a whole body or as the value of one of the
 * schema's properties (text: the client's own JSON.stringify would overflow its stack).
 */
export function deepRawBody(schema: Schema | undefined): fc.Arbitrary<RequestBody> {
  const keys = Object.keys(schema?.properties ?? {});
  return fc
    .tuple(
      fc.constantFrom(2_000, 5_000, 20_000),
      fc.constantFrom('[', '{"a":'),
      fc.constantFrom(undefined, ...keys),
    )
    .map(([depth, open, key]): RequestBody => {
      const close = open === '[' ? ']' : '}';
      const deep = `${open.repeat(depth)}1${close.repeat(depth)}`;
      return {
        kind: 'raw',
        contentType: 'application/json',
        text: key === undefined ? deep : `{${JSON.stringify(key)}:${deep}}`,
        label: `JSON ${depth} deep${key === undefined ? '' : ` in ${key}`}`,
      };
    });
}

/** A value of another JSON type than the schema's, or a hostile string. */
export function wrongTypeValue(schema: Schema): fc.Arbitrary<unknown> {
  const others: Array<fc.Arbitrary<unknown>> = [
    deepValue(),
    fc.constant(null),
    fc.constant([]),
    fc.constant({}),
    fc.dictionary(fc.constantFrom('$gt', '$ne', '$where', '__proto__', 'a'), fc.jsonValue(), {
      maxKeys: 2,
    }),
  ];
  if (schema.type !== 'string') others.push(nastyString(), fc.constantFrom('1', 'true', '1e3', ''));
  if (schema.type !== 'integer' && schema.type !== 'number') {
    others.push(fc.oneof(fc.integer(), fc.double({ noNaN: true })));
  } else {
    others.push(
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
    );
  }
  if (schema.type !== 'boolean') others.push(fc.boolean());
  if (schema.type !== 'array')
    others.push(fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }));
  return fc.oneof(...others);
}

/** Mostly valid, sometimes boundary, wrong-typed or hostile: the value of one field. */
export function fieldValue(schema: Schema, ctx: FuzzContext, name?: string): fc.Arbitrary<unknown> {
  const isText = schema.type === 'string' && !schema.enum && !schema.format;
  const isNumeric = schema.type === 'integer' || schema.type === 'number';
  return fc.oneof(
    { weight: 10, arbitrary: validValue(schema, ctx, name) },
    { weight: 3, arbitrary: boundaryValue(schema) },
    // Past 32 bits, 2^53 and the declared maximum, as JSON numbers and as strings of digits.
    { weight: isNumeric ? 3 : 0, arbitrary: bigIntegerField(schema.maximum) },
    { weight: 2, arbitrary: wrongTypeValue(schema) },
    { weight: isText ? 3 : 1, arbitrary: nastyString() },
  );
}

type ObjectMode = 'valid' | 'fuzz';

/**
 * An object for an object schema. `valid`: every required property and some optional ones, each
 * valid. `fuzz`: each property mostly valid but sometimes boundary, wrong-typed or hostile; a
 * required one sometimes missing; sometimes extra properties (mass assignment, prototype keys).
 */
export function objectOf(
  schema: Schema,
  ctx: FuzzContext,
  mode: ObjectMode = 'fuzz',
): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set(schema.required ?? []);
  const entries = Object.entries(schema.properties ?? {});
  const fields = entries.map(([key, propSchema]) => {
    const value =
      mode === 'valid' ? validValue(propSchema, ctx, key, true) : fieldValue(propSchema, ctx, key);
    const weights = required.has(key)
      ? { present: mode === 'valid' ? 1 : 15, missing: mode === 'valid' ? 0 : 1 }
      : { present: 1, missing: 1 };
    const arbitrary: fc.Arbitrary<Maybe<unknown>> =
      weights.missing === 0
        ? value
        : fc.oneof(
            { weight: weights.present, arbitrary: value },
            { weight: weights.missing, arbitrary: fc.constant(MISSING) },
          );
    return fc.tuple(fc.constant(key), arbitrary);
  });
  const additional =
    typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  const extras: fc.Arbitrary<Array<[string, unknown]>> =
    mode === 'valid'
      ? fc.constant<Array<[string, unknown]>>([])
      : fc.oneof(
          { weight: 12, arbitrary: fc.constant<Array<[string, unknown]>>([]) },
          {
            weight: 2,
            arbitrary: fc.array(
              fc.tuple(
                fc.oneof(
                  fc.constantFrom(...MASS_ASSIGNMENT_FIELDS),
                  fc.constantFrom('__proto__', 'constructor', 'prototype'),
                  fc.string({ minLength: 1, maxLength: 12 }),
                ),
                additional ? validValue(additional, ctx) : fieldValue({}, ctx),
              ),
              { minLength: 1, maxLength: 3 },
            ),
          },
        );
  return fc.tuple(fc.tuple(...fields), extras).map(([present, extra]) => {
    const object: Record<string, unknown> = {};
    for (const [key, value] of [...present, ...extra]) {
      if (value === MISSING) continue;
      // defineProperty, so `__proto__` becomes an own property that JSON.stringify sends.
      Object.defineProperty(object, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return object;
  });
}

// ---------------------------------------------------------------------------------------------
// Uploads
// ---------------------------------------------------------------------------------------------

/** A file part of a `multipart/form-data` body. */
export interface FilePart {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** One part of a `multipart/form-data` body: a text field or a file. */
export type FormPart = { name: string; value: string } | { name: string; file: FilePart };

const isFile = (value: unknown): value is FilePart =>
  typeof value === 'object' && value !== null && Buffer.isBuffer((value as FilePart).data);

const TEXT_FILE: FilePart = {
  filename: 'fuzz.txt',
  contentType: 'text/plain',
  data: Buffer.from('fuzz'),
};

/** A file the operation accepts: the context's (e.g. a real image), else a small text file. */
function validFile(ctx: FuzzContext, name: string): fc.Arbitrary<FilePart> {
  return (knownValue(ctx, name) ?? fc.constant(TEXT_FILE)).map((v) => (isFile(v) ? v : TEXT_FILE));
}

/** Sizes past a small upload limit, and past the 1 MB body limit. */
const BIG_FILE_SIZES = [100 * 1024, 1_100_000] as const;

/**
 * Files an upload must refuse, or judge by their bytes whatever their name and type claim: empty,
 * text, script, truncated, random bytes, too big, under hostile names and content types.
 */
function hostileFile(valid: fc.Arbitrary<FilePart>): fc.Arbitrary<FilePart> {
  const bytes = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        Buffer.alloc(0),
        Buffer.from('not an image'),
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        Buffer.from('<?php system($_GET["c"]); ?>'),
        Buffer.from('GIF89a<script>alert(1)</script>'),
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        Buffer.from(`BM${'\u0000'.repeat(60)}`),
      ),
    },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)) },
    { weight: 2, arbitrary: valid.map((f) => f.data.subarray(0, Math.floor(f.data.length / 2))) },
    { weight: 1, arbitrary: fc.constantFrom(...BIG_FILE_SIZES).map((n) => Buffer.alloc(n, 0x61)) },
  );
  const filename = fc.oneof(
    fc.constantFrom(
      'fuzz.png',
      '',
      '../../../etc/passwd',
      'x.php',
      'x.png.exe',
      '.htaccess',
      `${'a'.repeat(300)}.png`,
      'a"b.png',
      'a\r\nb.png',
    ),
    nastyString().filter((s) => s.length <= 300),
  );
  const contentType = fc.constantFrom(
    'image/png',
    'image/jpeg',
    'image/svg+xml',
    'text/html',
    'application/octet-stream',
    '',
    'image/png; charset=utf-8',
  );
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.tuple(bytes, contentType).map(([data, type]) => ({
        filename: 'fuzz.png',
        contentType: type,
        data,
      })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valid, filename, contentType)
        .map(([f, name, type]) => ({ ...f, filename: name, contentType: type })),
    },
  );
}

/**
 * A `multipart/form-data` body for a form schema. `valid`: every required part and some optional
 * ones, each valid (files from the context). `fuzz`: parts mostly valid but sometimes hostile
 * (files above; text fields boundary, wrong or hostile), sometimes missing, sometimes extra or
 * repeated (a second file, an unknown field, mass assignment).
 */
export function formOf(
  schema: Schema,
  ctx: FuzzContext,
  mode: ObjectMode = 'fuzz',
): fc.Arbitrary<RequestBody> {
  const required = new Set(schema.required ?? []);
  const names = Object.keys(schema.properties ?? {});
  const fileField =
    Object.entries(schema.properties ?? {}).find(([, p]) => p.format === 'binary')?.[0] ?? 'file';
  const parts = Object.entries(schema.properties ?? {}).map(([name, prop]) => {
    const binary = prop.format === 'binary';
    const valid: fc.Arbitrary<FormPart | undefined> = binary
      ? validFile(ctx, name).map((file) => ({ name, file }))
      : validValue({ ...prop, nullable: false }, ctx, name, mode === 'valid').map((v) =>
          v === undefined ? undefined : { name, value: asText(v) },
        );
    if (mode === 'valid')
      return required.has(name) ? valid : fc.oneof(fc.constant(undefined), valid);
    const hostile: fc.Arbitrary<FormPart> = binary
      ? fc.oneof(
          {
            weight: 4,
            arbitrary: hostileFile(validFile(ctx, name)).map((file) => ({ name, file })),
          },
          {
            weight: 1,
            arbitrary: fieldValue({ type: 'string' }, ctx).map((v) => ({ name, value: asText(v) })),
          },
        )
      : fc
          .oneof(boundaryValue(prop), wrongTypeValue(prop), nastyString(), bigIntegerText())
          .map((v) => ({ name, value: asText(v) }));
    // Mostly a hostile file: valid ones come with the entirely valid requests.
    const [validWeight, hostileWeight] = binary ? [1, 2] : [3, 2];
    return fc.oneof(
      {
        weight: required.has(name) ? 15 : 1,
        arbitrary: fc.oneof(
          { weight: validWeight, arbitrary: valid },
          { weight: hostileWeight, arbitrary: hostile },
        ),
      },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
  });
  const extraName = fc.oneof(
    fc.constantFrom(...MASS_ASSIGNMENT_FIELDS, '__proto__', 'image', ...names),
    fc.string({ minLength: 1, maxLength: 12 }),
  );
  const extras: fc.Arbitrary<FormPart[]> =
    mode === 'valid'
      ? fc.constant([])
      : fc.oneof(
          { weight: 10, arbitrary: fc.constant<FormPart[]>([]) },
          {
            weight: 2,
            arbitrary: fc.array(
              fc.oneof(
                fc
                  .tuple(
                    extraName,
                    nastyString().filter((s) => s.length <= 2_000),
                  )
                  .map(([name, value]): FormPart => ({ name, value })),
                fc
                  .tuple(extraName, validFile(ctx, fileField))
                  .map(([name, file]): FormPart => ({ name, file })),
              ),
              { minLength: 1, maxLength: 12 },
            ),
          },
        );
  return fc.tuple(fc.tuple(...parts), extras).map(([present, extra]): RequestBody => ({
    kind: 'multipart',
    parts: [...present.filter((p): p is FormPart => p !== undefined), ...extra],
  }));
}

/** `multipart/form-data` a parser must refuse with the error shape (raw, to be exact). */
export function malformedForm(): fc.Arbitrary<RequestBody> {
  const part = (name: string, value: string): string =>
    `--x\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const cases: Array<[string, string, string]> = [
    ['no boundary', 'multipart/form-data', `${part('file', 'abc')}--x--\r\n`],
    [
      'unterminated',
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n' +
        'Content-Type: image/png\r\n\r\n\u0089PNG',
    ],
    ['a nameless part', 'multipart/form-data; boundary=x', `${part('', 'abc')}--x--\r\n`],
    ['headers only', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data'],
    ['an empty body', 'multipart/form-data; boundary=x', ''],
    ['another boundary', 'multipart/form-data; boundary=y', `${part('file', 'abc')}--x--\r\n`],
    [
      'a long boundary',
      `multipart/form-data; boundary=${'b'.repeat(200)}`,
      `--${'b'.repeat(200)}\r\n\r\n`,
    ],
    [
      'a 100 KB field',
      'multipart/form-data; boundary=x',
      `${part('altText', 'a'.repeat(100_000))}--x--\r\n`,
    ],
    [
      'a polluting field',
      'multipart/form-data; boundary=x',
      `${part('__proto__', '{"role":"admin"}')}${part('constructor', '{}')}--x--\r\n`,
    ],
    [
      '30 fields',
      'multipart/form-data; boundary=x',
      `${Array.from({ length: 30 }, (_, i) => part(`f${i}`, 'v')).join('')}--x--\r\n`,
    ],
  ];
  return fc
    .constantFrom(...cases)
    .map(([label, contentType, text]) => ({ kind: 'raw', contentType, text, label }));
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

export type RequestBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'raw'; contentType: string | undefined; text: string; label: string }
  | { kind: 'multipart'; parts: FormPart[] };

export interface FuzzRequest {
  operationId: string;
  method: Operation['method'];
  /** The path with its parameters substituted and encoded. */
  url: string;
  /** The raw (decoded) path parameter values, by name. */
  pathParams: Record<string, string>;
  headers: Record<string, string>;
  body?: RequestBody;
}

/** A value as URL text: strings as they are, anything else as JSON. */
const asText = (v: unknown): string =>
  typeof v === 'string' ? v : v === null || v === undefined ? '' : (toJson(v) ?? '');

/** Path parameter values: known ids/slugs, random UUIDs (of nothing), non-UUIDs, hostile strings. */
export function pathParamValue(
  param: Parameter,
  ctx: FuzzContext,
  mode: 'valid' | 'fuzz' = 'fuzz',
): fc.Arbitrary<string> {
  const known = knownValue(ctx, param.name)?.map((v) => (v === undefined ? 'nothing' : asText(v)));
  if (mode === 'valid') return known ?? fc.uuid();
  const random: fc.Arbitrary<string> = fc.oneof(
    { weight: 3, arbitrary: fc.uuid() },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '0',
        '-1',
        '1',
        'null',
        'undefined',
        'me',
        'featured',
        'read-all',
        'unread-count',
        '00000000-0000-0000-0000-000000000000',
        '00000000-0000-0000-0000-00000000000g',
        'not-a-uuid',
        '%00',
        ...BIG_INTEGER_TEXTS,
        'a'.repeat(199),
        'a'.repeat(201),
        'a'.repeat(2_000),
        '.',
        '..',
      ),
    },
    { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
    {
      weight: 2,
      arbitrary: nastyString().filter((s) => s.length > 0 && s.length <= 2_000),
    },
  );
  return known
    ? fc.oneof({ weight: 3, arbitrary: known }, { weight: 2, arbitrary: random })
    : random;
}

/** Already percent-encoded segments, some of them not valid UTF-8 or not valid encoding at all. */
export const RAW_ENCODED: readonly string[] = [
  '%FF',
  '%C0%AF',
  '%E0%A4%A',
  '%',
  '%zz',
  '%00',
  '%2e%2e',
  '%2F',
  '%25',
  '..%2F..%2Fetc%2Fpasswd',
  '%ED%A0%80',
];

const LONE_SURROGATE = /([\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])/;

/**
 * `encodeURIComponent`, except that a lone surrogate (which has no UTF-8 form, and on which
 * `encodeURIComponent` throws) is sent as the bytes a careless client would produce for it.
 */
export function encodeComponent(value: string): string {
  return value
    .split(LONE_SURROGATE)
    .map((part, i) => (i % 2 === 1 ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('');
}

/** A query parameter's raw value(s): valid, boundary, wrong (non-numeric, repeated), hostile. */
function queryValue(param: Parameter, ctx: FuzzContext): fc.Arbitrary<string[]> {
  const { type, maximum } = param.schema;
  const isNumeric = type === 'integer' || type === 'number';
  const single = fc
    .oneof(
      { weight: 8, arbitrary: validValue({ ...param.schema, nullable: false }, ctx, param.name) },
      { weight: 3, arbitrary: boundaryValue(param.schema) },
      // Whatever the parameter, sometimes digits past 32 bits (paging, prices, counts, ids).
      { weight: isNumeric ? 3 : 1, arbitrary: bigIntegerText(maximum) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          'abc',
          '1.5',
          '1e2',
          '0x10',
          '',
          ' 1',
          'TRUE',
          'yes',
          '[]',
          '{}',
        ),
      },
      {
        weight: 2,
        arbitrary: nastyString().filter((s) => s.length <= 4_000),
      },
    )
    .map(asText);
  return fc.oneof(
    { weight: 12, arbitrary: single.map((v) => [v]) },
    { weight: 1, arbitrary: fc.array(single, { minLength: 2, maxLength: 3 }) },
  );
}

function headerSafe(value: string): string {
  // Node refuses to send control or non-Latin-1 characters in a header: the server never sees them.
  return value.replace(/[^\x20-\x7e]/g, '');
}

function headerValue(param: Parameter, ctx: FuzzContext): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 6, arbitrary: fc.uuid() },
      { weight: 2, arbitrary: validValue(param.schema, ctx, param.name).map(String) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('', ' ', 'a'.repeat(255), 'a'.repeat(256), 'a'.repeat(4_000)),
      },
      { weight: 2, arbitrary: nastyString().filter((s) => s.length <= 4_000) },
    )
    .map(headerSafe);
}

/** Bodies the HTTP layer must refuse with the error shape: too big, malformed, not JSON. */
export function rawBody(): fc.Arbitrary<RequestBody> {
  const raw = (label: string, contentType: string | undefined, text: string): RequestBody => ({
    kind: 'raw',
    contentType,
    text,
    label,
  });
  return fc.oneof(
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(1024 * 1024 + 1, 1_200_000)
        .map((n) => raw('over 1 MB', 'application/json', JSON.stringify({ pad: 'x'.repeat(n) }))),
    },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(
          '{',
          '{"a":',
          '{"a":1,}',
          "{'a':1}",
          '{"a":1}}',
          'NaN',
          'undefined',
          '\u0000',
          '{"__proto__":{"role":"admin"}}',
          '{"constructor":{"prototype":{"role":"admin"}}}',
          '{"a":"\\ud800"}',
          '[]',
          '[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]',
          '"string"',
          '0',
          'null',
          'true',
          ' ',
        )
        .map((text) => raw(`raw ${JSON.stringify(text.slice(0, 30))}`, 'application/json', text)),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/xml',
            'application/json; charset=latin1',
            'application/vnd.api+json',
            'application/jsonx',
            'APPLICATION/JSON',
            'application/json; charset=utf-16',
          ),
          fc.constantFrom('{"a":1}', 'a=1&b=2', '<a/>', '--x\r\n\r\n--x--'),
        )
        .map(([type, text]) => raw(`content-type ${type}`, type, text)),
    },
  );
}

type Entry<T> = readonly [string, T];
const jsonBody = (value: unknown): RequestBody => ({ kind: 'json', value });

/**
 * The parts of a request, either all valid (known ids, in-range values: requests that reach the
 * handlers' logic) or fuzzed part by part (valid, boundary, wrong, hostile, missing, extra).
 */
function partsOf(op: Operation, ctx: FuzzContext, mode: 'valid' | 'fuzz') {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const headerParams = op.parameters.filter((p) => p.in === 'header');
  const optional = <T>(required: boolean, value: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
    required ? value : fc.oneof(fc.constant(undefined), value);

  const path = fc.tuple(
    ...pathParams.map((p): fc.Arbitrary<readonly [string, string, string]> => {
      const value = pathParamValue(p, ctx, mode).map(
        (v) => [p.name, v, encodeComponent(v)] as const,
      );
      if (mode === 'valid') return value;
      return fc.oneof(
        { weight: 20, arbitrary: value },
        {
          weight: 1,
          arbitrary: fc.constantFrom(...RAW_ENCODED).map((v) => [p.name, v, v] as const),
        },
      );
    }),
  );

  const queryParts = queryParams.map((p) =>
    optional(
      p.required,
      (mode === 'valid'
        ? validValue({ ...p.schema, nullable: false }, ctx, p.name, true).map((v) =>
            v === undefined ? undefined : [asText(v)],
          )
        : queryValue(p, ctx)
      ).map((vs): Entry<string[]> | undefined =>
        vs === undefined ? undefined : [p.name, vs.map(encodeComponent)],
      ),
    ),
  );
  const extraQuery: fc.Arbitrary<Entry<string[]> | undefined> =
    mode === 'valid'
      ? fc.constant(undefined)
      : fc.oneof(
          { weight: 10, arbitrary: fc.constant(undefined) },
          {
            weight: 1,
            arbitrary: fc
              .tuple(
                fc.oneof(
                  fc.constantFrom(
                    'role',
                    'userId',
                    '__proto__',
                    'constructor',
                    'sort',
                    'limit',
                    'a[b]',
                  ),
                  fc.string({ minLength: 1, maxLength: 10 }),
                ),
                nastyString().filter((s) => s.length <= 1_000),
              )
              .map(([name, value]): Entry<string[]> => [name, [encodeComponent(value)]]),
          },
          {
            weight: 1,
            arbitrary: fc
              .tuple(
                fc.constantFrom(...queryParams.map((p) => p.name), 'x'),
                fc.constantFrom(...RAW_ENCODED),
              )
              .map(([name, value]): Entry<string[]> => [name, [value]]),
          },
        );
  const query = fc.tuple(...queryParts, extraQuery);

  const headers = fc
    .tuple(
      ...headerParams.map((p) =>
        optional(
          p.required,
          mode === 'valid'
            ? (knownValue(ctx, p.name) ?? fc.uuid()).map((v): Entry<string> | undefined =>
                v === undefined ? undefined : [p.name, asText(v)],
              )
            : headerValue(p, ctx).map((v): Entry<string> => [p.name, v]),
        ),
      ),
    )
    .map((entries) => entries.filter((e): e is Entry<string> => e !== undefined));

  let body: fc.Arbitrary<RequestBody | undefined>;
  if (mode === 'valid')
    body = op.body
      ? objectOf(op.body, ctx, 'valid').map(jsonBody)
      : op.form
        ? formOf(op.form, ctx, 'valid')
        : fc.constant(undefined);
  else if (op.form) {
    body = fc.oneof(
      { weight: 14, arbitrary: formOf(op.form, ctx, 'fuzz') },
      { weight: 2, arbitrary: malformedForm() },
      { weight: 2, arbitrary: rawBody() },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: objectOf(op.form, ctx, 'fuzz').map(jsonBody) },
    );
  } else if (op.body) {
    body = fc.oneof(
      { weight: 16, arbitrary: objectOf(op.body, ctx, 'fuzz').map(jsonBody) },
      { weight: 2, arbitrary: wrongTypeValue(op.body).map(jsonBody) },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: rawBody() },
      { weight: 1, arbitrary: deepRawBody(op.body) },
    );
  } else {
    body = fc.oneof(
      { weight: 12, arbitrary: fc.constant(undefined) },
      {
        weight: 2,
        arbitrary: fc
          .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })
          .map(jsonBody),
      },
      { weight: 1, arbitrary: rawBody() },
    );
  }
  return fc.record({ path, query, headers, body });
}

/** Dotted paths of the properties of an object schema, one level of nesting (arrays: item 0). */
export function fieldPaths(schema: Schema | undefined): string[] {
  return Object.entries(schema?.properties ?? {}).flatMap(([key, prop]) => {
    const inner = prop.type === 'array' ? prop.items : prop;
    const nestedKeys = Object.keys(inner?.properties ?? {});
    const prefix = prop.type === 'array' ? `${key}.0` : key;
    return [key, ...nestedKeys.map((k) => `${prefix}.${k}`)];
  });
}

/** Sets `value` at a dotted path of a JSON object (creating what is missing). */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: Record<string, unknown> = target;
  for (const [i, key] of keys.slice(0, -1).entries()) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) {
      node[key] = /^\d+$/.test(keys[i + 1] ?? '') ? [{}] : {};
    }
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) as string] = value;
}

/** One bad value, whatever the field: hostile strings, wrong types, extremes, deep nesting. */
export const faultValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 6, arbitrary: nastyString() },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        null,
        '',
        [],
        {},
        true,
        0,
        -1,
        1.5,
        2 ** 31,
        2 ** 53,
        -(2 ** 31) - 1,
        1e308,
        '1',
        '00000000-0000-0000-0000-000000000000',
      ),
    },
    { weight: 2, arbitrary: fc.constantFrom(...BIG_INTEGERS, ...BIG_INTEGER_TEXTS) },
    { weight: 1, arbitrary: deepValue() },
  );

export type Parts = {
  path: ReadonlyArray<readonly [string, string, string]>;
  query: ReadonlyArray<Entry<string[]> | undefined>;
  headers: ReadonlyArray<Entry<string>>;
  body: RequestBody | undefined;
};

/**
 * Where a single fault goes: a body field (dotted path), a form part (sent as text, a file's
 * too), a query parameter or a path parameter.
 */
export type FaultTarget = readonly ['body' | 'form' | 'query' | 'path', string];

/** Every place of an operation's request a single fault can go. */
export function faultTargets(op: Operation): FaultTarget[] {
  return [
    ...fieldPaths(op.body).map((f): FaultTarget => ['body', f]),
    ...Object.keys(op.form?.properties ?? {}).map((f): FaultTarget => ['form', f]),
    ...op.parameters.filter((p) => p.in === 'query').map((p): FaultTarget => ['query', p.name]),
    ...op.parameters.filter((p) => p.in === 'path').map((p): FaultTarget => ['path', p.name]),
  ];
}

/** `parts` with `value` put at `target` (and nothing else changed). */
export function withFault(parts: Parts, [where, name]: FaultTarget, value: unknown): Parts {
  // URLs stay under Node's 16 KB header limit (beyond it Node answers 431 before the app).
  const text = (typeof value === 'string' ? value : (toJson(value) ?? '')).slice(0, 2_000);
  if (where === 'body') {
    const base = parts.body?.kind === 'json' ? parts.body.value : {};
    const body = structuredClone(base ?? {}) as Record<string, unknown>;
    setPath(body, name, value);
    return { ...parts, body: { kind: 'json', value: body } };
  }
  if (where === 'form') {
    const others = parts.body?.kind === 'multipart' ? parts.body.parts : [];
    const form = [...others.filter((p) => p.name !== name), { name, value: text }];
    return { ...parts, body: { kind: 'multipart', parts: form } };
  }
  if (where === 'query') {
    const query = parts.query.filter((q) => q?.[0] !== name);
    return { ...parts, query: [...query, [name, [encodeComponent(text)]]] };
  }
  const segment = text.length > 0 ? text : 'x';
  const path = parts.path.map((p) =>
    p[0] === name ? ([name, segment, encodeComponent(segment)] as const) : p,
  );
  return { ...parts, path };
}

/** The parts of an entirely valid request of `op` (known ids, in-range values). */
export const validPartsOf = (op: Operation, ctx: FuzzContext = {}): fc.Arbitrary<Parts> =>
  partsOf(op, ctx, 'valid');

/**
 * A valid request with exactly one fault: one body field, query parameter or path parameter
 * replaced by a bad value. Faults hidden behind another field's 400 are found this way.
 */
function oneFaultOf(op: Operation, ctx: FuzzContext): fc.Arbitrary<Parts> {
  const targets = faultTargets(op);
  if (targets.length === 0) return validPartsOf(op, ctx);
  return fc
    .tuple(validPartsOf(op, ctx), fc.constantFrom(...targets), faultValue())
    .map(([parts, target, value]) => withFault(parts, target, value));
}

/** The request `parts` make for `op`: the path filled in, the query string joined. */
export function toRequest(op: Operation, { path, query, headers, body }: Parts): FuzzRequest {
  const raw = Object.fromEntries(path.map(([name, value]) => [name, value]));
  let url = op.path;
  for (const [name, , encoded] of path) url = url.replace(`{${name}}`, encoded);
  // Values arrive encoded (some deliberately badly); only the names are encoded here.
  const search = query
    .filter((q): q is Entry<string[]> => q !== undefined)
    .flatMap(([name, values]) => values.map((v) => `${encodeComponent(name)}=${v}`))
    .join('&');
  return {
    operationId: op.operationId,
    method: op.method,
    url: search ? `${url}?${search}` : url,
    pathParams: raw,
    headers: Object.fromEntries(headers),
    body,
  };
}

/** A valid request with the context's forged query parameters put in (see `forgedQuery`). */
function forgedOf(op: Operation, ctx: FuzzContext): fc.Arbitrary<Parts> {
  if (!ctx.forgedQuery) return validPartsOf(op, ctx);
  return fc.tuple(validPartsOf(op, ctx), ctx.forgedQuery).map(([parts, forged]) => ({
    ...parts,
    query: [
      ...parts.query.filter((q) => q === undefined || !(q[0] in forged)),
      ...Object.entries(forged).map(([name, v]): Entry<string[]> => [name, [encodeComponent(v)]]),
    ],
  }));
}

/**
 * The whole fuzzed request of an operation: a quarter entirely valid, a third valid but for one
 * fault, the rest fuzzed part by part (and, where the context forges query parameters, some valid
 * requests carrying those).
 */
export function requestOf(op: Operation, ctx: FuzzContext = {}): fc.Arbitrary<FuzzRequest> {
  return fc
    .oneof(
      { weight: 3, arbitrary: validPartsOf(op, ctx) },
      { weight: 4, arbitrary: oneFaultOf(op, ctx) },
      { weight: 5, arbitrary: partsOf(op, ctx, 'fuzz') },
      { weight: ctx.forgedQuery ? 2 : 0, arbitrary: forgedOf(op, ctx) },
    )
    .map((parts) => toRequest(op, parts));
}
