import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  ValidationFailedError,
} from '@/common/domain-error.js';
import { toErrorBody } from '@/common/error-response.js';
import { CouponNotApplicableError } from '@/coupons/coupons.errors.js';
import {
  IllegalOrderTransitionError,
  InsufficientStockError,
  ProductUnavailableError,
} from '@/orders/orders.errors.js';
import { ERROR_CLASSES, ERROR_CODES, ownCodes } from '@/openapi/error-catalog.js';
import { errorSchemaName } from '@/openapi/error-responses.js';
import { OPERATION_ERRORS } from '@/openapi/operation-errors.js';
import { DocumentSchemas } from '../support/document-schemas.js';

interface Schema {
  $ref?: string;
  oneOf?: Schema[];
  discriminator?: { propertyName: string; mapping: Record<string, string> };
}
interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

const document = JSON.parse(readFileSync('openapi.json', 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};
const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
const schemas = new DocumentSchemas(document);

/** The codes an error response's schema admits: its code schemas' `code` constants. */
function codesOf(schema: Schema): string[] {
  const refs = schema.oneOf ? schema.oneOf.map((s) => s.$ref) : [schema.$ref];
  return refs.map((ref) => {
    const name = ref?.replace('#/components/schemas/', '') ?? '';
    const code = document.components.schemas[name]?.properties as
      { code?: { const?: string } } | undefined;
    return code?.code?.const ?? `(no code schema: ${ref})`;
  });
}

/** Every code the document lists, with the statuses it is listed under. */
function documentedCodes(): Map<string, Set<string>> {
  const codes = new Map<string, Set<string>>();
  for (const op of operations) {
    for (const [status, response] of Object.entries(op.responses)) {
      if (!/^[45]/.test(status)) continue;
      const schema = response.content?.['application/json']?.schema;
      for (const code of schema ? codesOf(schema) : ['(no schema)'])
        codes.set(code, new Set([...(codes.get(code) ?? []), status]));
    }
  }
  return codes;
}

/** The non-spec TypeScript files under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('error codes', () => {
  it('lists each code the server has under its own status on at least one operation', () => {
    const documented = documentedCodes();
    for (const [code, spec] of ERROR_CODES) {
      // An unexpected failure: in Error.code's enum (the server answers it), on no operation.
      if (code === 'INTERNAL_ERROR') continue;
      expect({ code, statuses: [...(documented.get(code) ?? [])] }).toEqual({
        code,
        statuses: expect.arrayContaining([String(spec.status)]) as unknown,
      });
    }
  });

  it('lists under each status only declared codes of that status, with a discriminator naming them all', () => {
    for (const op of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (!/^[45]/.test(status)) continue;
        const schema = response.content?.['application/json']?.schema ?? {};
        const codes = codesOf(schema);
        const where = `${op.operationId} ${status}`;
        expect({ where, codes: codes.map((c) => ERROR_CODES.get(c)?.status) }).toEqual({
          where,
          codes: codes.map(() => Number(status)),
        });
        if (schema.oneOf)
          expect({ where, mapped: Object.keys(schema.discriminator?.mapping ?? {}) }).toEqual({
            where,
            mapped: codes,
          });
      }
    }
    expect((document.components.schemas.Error?.properties as { code: unknown }).code).toEqual(
      expect.objectContaining({ enum: [...ERROR_CODES.keys()].sort() }),
    );
  });

  it('declares real error classes for existing operations, each with codes', () => {
    const ids = new Set(operations.map((op) => op.operationId));
    const classes = new Set(ERROR_CLASSES.values());
    for (const [operationId, declared] of Object.entries(OPERATION_ERRORS)) {
      expect({ operationId, exists: ids.has(operationId) }).toEqual({ operationId, exists: true });
      for (const cls of declared) {
        expect({ operationId, cls: cls.name, known: classes.has(cls) }).toEqual({
          operationId,
          cls: cls.name,
          known: true,
        });
        expect(Object.keys(cls.codes).length).toBeGreaterThan(0);
      }
    }
    // Only the abstract 409 base has no code of its own or inherited.
    const codeless = [...ERROR_CLASSES.values()].filter((c) => Object.keys(c.codes).length === 0);
    expect(codeless.map((c) => c.name)).toEqual(['ConflictError']);
  });

  it('declares every code the source throws', () => {
    const thrown = new Map<string, string>();
    const note = (code: string, file: string): void => void thrown.set(code, file);
    for (const file of sources('src')) {
      const text = readFileSync(file, 'utf8');
      if (file.endsWith('.errors.ts') || file.endsWith('domain-error.ts')) {
        // Error classes: every SCREAMING_CASE literal is a code (messages are sentences).
        for (const [, code] of text.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})'/g))
          note(code, file);
        continue;
      }
      // Elsewhere: a `code` property, or a code passed to an error class's constructor.
      for (const [, code] of text.matchAll(/\bcode:\s*'([A-Z][A-Z0-9_]+)'/g)) note(code, file);
      for (const [, args] of text.matchAll(/new [A-Z]\w*Error\(([^;]*?)\)/gs))
        for (const [, code] of args.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g))
          note(code, file);
    }
    // Fastify's own codes (FST_…) are not answered: error-response.ts maps them, through a
    // table typed with the HTTP layer's codes, onto ours.
    const undeclared = [...thrown].filter(
      ([code]) => !code.startsWith('FST_') && !ERROR_CODES.has(code),
    );
    expect(undeclared).toEqual([]);
    expect(thrown.size).toBeGreaterThan(40);
  });

  it("is listed, with its status, in the API guide's code tables", () => {
    const guide = readFileSync('docs/api/README.md', 'utf8');
    const section = guide.slice(guide.indexOf('### Codes by area'));
    const rows = [...section.matchAll(/^\| (\d{3}) +\| `([A-Z_]+)` +\|/gm)].map(
      ([, status, code]) => [code, Number(status)],
    );
    expect(Object.fromEntries(rows)).toEqual(
      Object.fromEntries([...ERROR_CODES].map(([code, spec]) => [code, spec.status])),
    );
    expect(rows).toHaveLength(ERROR_CODES.size);
  });

  it('declares each code once per class it belongs to', () => {
    for (const cls of ERROR_CLASSES.values())
      for (const [code, spec] of Object.entries(ownCodes(cls)))
        expect({ code, status: ERROR_CODES.get(code)?.status }).toEqual({
          code,
          status: spec.status,
        });
  });

  it.each([
    ['a validation error', new ValidationFailedError('email: must be an email', [])],
    ['a validation error without fields', new ValidationFailedError('Too many form fields')],
    ['a not found', new NotFoundError('Product')],
    ['an expired token', new UnauthorizedError('Access token expired', 'TOKEN_EXPIRED')],
    ['a rate limit', new RateLimitedError(7)],
    [
      'a cart line over stock',
      new InsufficientStockError([
        { productId: '3f2b8c1e-6a4d-4e0b-9c57-1d8e2f4a6b90', requested: 5, available: 4 },
      ]),
    ],
    ['a checkout that lost the race for stock', new InsufficientStockError([])],
    [
      'unavailable lines',
      new ProductUnavailableError(
        ['3f2b8c1e-6a4d-4e0b-9c57-1d8e2f4a6b90'],
        ['7c9e6679-7425-40de-944b-e07fc1f90ae7'],
      ),
    ],
    [
      'a coupon below its minimum',
      new CouponNotApplicableError('minimum_not_met', { minOrderAmount: 5000, subtotal: 1200 }),
    ],
    [
      'a coupon used up by this user',
      new CouponNotApplicableError('user_limit_reached', { perUserLimit: 1 }),
    ],
    ['an expired coupon', new CouponNotApplicableError('expired')],
    ['a refused transition', new IllegalOrderTransitionError('delivered', 'pending', false)],
  ])('answers %s with a body its code schema admits', (_what, error) => {
    const body = toErrorBody(error, 'b3f1c0de-1d2e-4f3a-8b9c-0d1e2f3a4b5c');
    expect(ERROR_CODES.get(body.code)?.status).toBe(body.statusCode);
    expect(schemas.errorsFor(errorSchemaName(body.code), body)).toEqual([]);
  });

  it('refuses a body whose details do not have the shape of its code', () => {
    const body = toErrorBody(
      new InsufficientStockError([
        { productId: '3f2b8c1e-6a4d-4e0b-9c57-1d8e2f4a6b90', requested: 5, available: 4 },
      ]),
      'req-1',
    );
    const wrong = { ...body, details: { productId: 'x', available: 4 } };
    expect(schemas.errorsFor('InsufficientStockError', wrong)).not.toEqual([]);
    expect(schemas.errorsFor('InsufficientStockError', { ...body, code: 'OTHER' })).not.toEqual([]);
  });
});
