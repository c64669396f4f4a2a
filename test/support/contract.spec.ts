import { describe, expect, it } from '@jest/globals';
import { Contract, ContractViolation, type ObservedResponse } from './contract.js';

const REQUEST_ID = { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } };
const json = (ref: string) => ({ 'application/json': { schema: { $ref: ref } } });

/** A small document in the shapes the generated openapi.json uses. */
const DOCUMENT = {
  openapi: '3.1.0',
  info: { title: 'test', version: '1' },
  paths: {
    '/api/things/{id}': {
      get: {
        operationId: 'getThing',
        responses: {
          200: {
            description: '',
            headers: { ...REQUEST_ID, 'X-Cache': { $ref: '#/components/headers/X-Cache' } },
            content: json('#/components/schemas/Thing'),
          },
          404: {
            description: '',
            headers: REQUEST_ID,
            content: json('#/components/schemas/Error'),
          },
        },
      },
      delete: { operationId: 'deleteThing', responses: { 204: { description: '' } } },
    },
    '/api/things/featured': {
      get: {
        operationId: 'listFeaturedThings',
        responses: {
          200: {
            description: '',
            content: {
              'application/json': {
                schema: { type: 'array', items: { $ref: '#/components/schemas/Thing' } },
              },
            },
          },
        },
      },
    },
    '/api/things/{id}/export': {
      get: {
        operationId: 'exportThing',
        responses: {
          200: { description: '', content: { 'text/csv': { schema: { type: 'string' } } } },
        },
      },
    },
  },
  components: {
    headers: {
      'X-Request-Id': { required: true, schema: { type: 'string' } },
      'X-Cache': { required: true, schema: { type: 'string', enum: ['HIT', 'MISS', 'BYPASS'] } },
    },
    schemas: {
      Brand: {
        type: 'object',
        properties: { name: { type: 'string' } },
        required: ['name'],
        example: { name: 'Acme' },
      },
      Thing: {
        type: 'object',
        'x-internal': false,
        properties: {
          id: { type: 'string', format: 'uuid' },
          price: { type: 'integer', minimum: 0 },
          note: { type: ['string', 'null'] },
          brand: { anyOf: [{ $ref: '#/components/schemas/Brand' }, { type: 'null' }] },
        },
        required: ['id', 'price', 'note', 'brand'],
      },
      Error: {
        type: 'object',
        properties: { statusCode: { type: 'number' }, code: { type: 'string' } },
        required: ['statusCode', 'code'],
      },
    },
  },
};

const ID = '0b6f5f1e-3c39-4c55-9f49-2d3cbd1f0a11';
const thing = { id: ID, price: 1250, note: 'hello', brand: { name: 'Acme' } };
const ok = (body: unknown, headers: Record<string, string> = {}): ObservedResponse => ({
  status: 200,
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'x-request-id': 'r1',
    'x-cache': 'MISS',
    ...headers,
  },
  body,
  text: JSON.stringify(body),
});
const violation = (fn: () => void): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ContractViolation);
    return (error as Error).message;
  }
  throw new Error('expected a ContractViolation');
};

describe('Contract', () => {
  const contract = new Contract(DOCUMENT);

  it('passes a body that matches the schema', () => {
    expect(() => contract.check('GET', `/api/things/${ID}?x=1`, ok(thing))).not.toThrow();
  });

  it('passes null where the schema allows null (type list and anyOf with a $ref)', () => {
    expect(() =>
      contract.check('GET', `/api/things/${ID}`, ok({ ...thing, note: null, brand: null })),
    ).not.toThrow();
  });

  it('fails a wrong type, naming the operation, status, pointer and value', () => {
    const message = violation(() =>
      contract.check('GET', `/api/things/${ID}`, ok({ ...thing, price: '12.50' })),
    );
    expect(message).toContain('getThing (GET /api/things/');
    expect(message).toContain('answered 200');
    expect(message).toContain('/price must be integer, got "12.50"');
  });

  it('fails an object through a $ref that does not fit it', () => {
    const message = violation(() =>
      contract.check('GET', `/api/things/${ID}`, ok({ ...thing, brand: { name: 3 } })),
    );
    expect(message).toContain('/brand/name must be string, got 3');
  });

  it('fails a missing required property and a bad format', () => {
    const { note: _note, ...noNote } = thing;
    expect(violation(() => contract.check('GET', `/api/things/${ID}`, ok(noNote)))).toContain(
      "must have required property 'note'",
    );
    expect(
      violation(() => contract.check('GET', `/api/things/${ID}`, ok({ ...thing, id: 'x' }))),
    ).toContain('/id must match format "uuid", got "x"');
  });

  it('fails a property the document does not describe, unless objects are read open', () => {
    const leaky = { ...thing, passwordHash: '$argon2id$...' };
    expect(violation(() => contract.check('GET', `/api/things/${ID}`, ok(leaky)))).toContain(
      '(root) has passwordHash, a property openapi.json does not describe, = "$argon2id$..."',
    );
    const open = new Contract(DOCUMENT, { closedObjects: false });
    expect(() => open.check('GET', `/api/things/${ID}`, ok(leaky))).not.toThrow();
  });

  it('fails a status the operation does not document', () => {
    const message = violation(() =>
      contract.check('GET', `/api/things/${ID}`, {
        ...ok({ statusCode: 409, code: 'CONFLICT' }),
        status: 409,
      }),
    );
    expect(message).toContain('answered 409, a status openapi.json does not document for getThing');
    expect(message).toContain('CONFLICT');
  });

  it('fails the wrong content type', () => {
    const message = violation(() =>
      contract.check('GET', `/api/things/${ID}`, ok(thing, { 'content-type': 'text/html' })),
    );
    expect(message).toContain('content-type text/html; openapi.json declares application/json');
    expect(() =>
      contract.check('GET', `/api/things/${ID}/export`, {
        status: 200,
        headers: { 'content-type': 'text/csv; charset=utf-8' },
        text: 'id,price\n1,2\n',
      }),
    ).not.toThrow();
  });

  it('wants no body where the response declares none (204)', () => {
    const empty = { status: 204, headers: {}, text: '' };
    expect(() => contract.check('DELETE', `/api/things/${ID}`, empty)).not.toThrow();
    expect(
      violation(() => contract.check('DELETE', `/api/things/${ID}`, { ...empty, text: '{}' })),
    ).toContain('documents no body');
  });

  it('checks required headers and their values', () => {
    const { 'x-cache': _cache, ...headers } = ok(thing).headers;
    expect(
      violation(() => contract.check('GET', `/api/things/${ID}`, { ...ok(thing), headers })),
    ).toContain('without the required header X-Cache');
    expect(
      violation(() => contract.check('GET', `/api/things/${ID}`, ok(thing, { 'x-cache': 'hot' }))),
    ).toContain('header X-Cache "hot" not valid');
  });

  it('prefers a literal segment to a parameter, as the router does', () => {
    expect(() => contract.check('GET', '/api/things/featured', ok([thing]))).not.toThrow();
    expect(violation(() => contract.check('GET', '/api/things/featured', ok(thing)))).toContain(
      'listFeaturedThings',
    );
  });

  it('holds requests the document does not describe to the error schema', () => {
    const error = { statusCode: 404, code: 'NOT_FOUND' };
    const notFound = { ...ok(error), status: 404 };
    expect(() => contract.check('GET', '/api/nowhere', notFound)).not.toThrow();
    expect(() => contract.check('PUT', `/api/things/${ID}`, notFound)).not.toThrow();
    expect(
      violation(() => contract.check('GET', '/api/nowhere', { ...ok({}), status: 404 })),
    ).toMatch(/no operation in openapi\.json.*\n.*required property 'statusCode'/);
    expect(violation(() => contract.check('GET', '/api/nowhere', ok(thing)))).toContain(
      'only an error may answer',
    );
  });

  it('holds an undocumented 500 to the error schema', () => {
    const failed = { ...ok({ statusCode: 500, code: 'INTERNAL_ERROR' }), status: 500 };
    expect(() => contract.check('GET', `/api/things/${ID}`, failed)).not.toThrow();
    expect(
      violation(() => contract.check('GET', `/api/things/${ID}`, { ...ok({}), status: 500 })),
    ).toContain("required property 'statusCode'");
  });

  it('lets the explicit non-API paths through', () => {
    const page = { status: 200, headers: { 'content-type': 'text/html' }, text: '<html>' };
    expect(() => contract.check('GET', '/demo/', page)).not.toThrow();
    expect(() => contract.check('GET', '/health/ready', page)).not.toThrow();
  });

  it('compiles the committed openapi.json in strict mode and finds its operations', () => {
    const committed = Contract.load();
    expect(committed.compileAll()).toBeGreaterThan(500);
    const message = violation(() =>
      committed.check('GET', '/api/products/featured', ok({ not: 'a page' })),
    );
    expect(message).toContain('listFeaturedProducts');
  });

  it("checks a webhook body against the committed document's webhooks", () => {
    const committed = Contract.load();
    expect(
      violation(() => committed.checkWebhook('order.created', { type: 'order.created' })),
    ).toMatch(
      /webhook order.created: the body does not match openapi.json:[\s\S]*required property/,
    );
    expect(violation(() => committed.checkWebhook('order.shipped', {}))).toBe(
      'webhook order.shipped: not in the document',
    );
  });
});
