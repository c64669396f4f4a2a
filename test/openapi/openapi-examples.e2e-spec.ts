import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { DocumentSchemas } from '../support/document-schemas.js';

interface Schema {
  $ref?: string;
  example?: unknown;
  items?: Schema;
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
}
interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

const document = JSON.parse(readFileSync('openapi.json', 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};
const schemas = new DocumentSchemas(document);
const component = (ref: string | undefined): Schema | undefined =>
  document.components.schemas[ref?.replace('#/components/schemas/', '') ?? ''];

/** A schema's example, or its component's (through `$ref`, array items and `oneOf`). */
function exampleOf(schema: Schema | undefined): unknown {
  if (!schema) return undefined;
  if (schema.example !== undefined) return schema.example;
  if (schema.$ref) return exampleOf(component(schema.$ref));
  if (schema.items) return exampleOf(schema.items);
  return schema.oneOf?.map(exampleOf).find((e) => e !== undefined);
}

describe('examples in openapi.json', () => {
  it('gives every component schema an example', () => {
    const without = Object.entries(document.components.schemas)
      .filter(([, schema]) => schema.example === undefined)
      .map(([name]) => name);
    expect(without).toEqual([]);
  });

  it.each(Object.keys(document.components.schemas))('%s: the example is valid', (name) => {
    const example = document.components.schemas[name]?.example;
    expect(schemas.errorsFor(name, example)).toEqual([]);
  });

  it('has realistic values: ISO dates, UUIDs, prices in minor units, real names', () => {
    const product = document.components.schemas.Product?.example as Record<string, unknown>;
    expect(product).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-/),
      name: expect.stringMatching(/^[A-Z][a-z]+ [A-Za-z0-9 -]+$/),
      price: expect.any(Number),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
    });
    expect(Number.isInteger(product.price)).toBe(true);
    const line = document.components.schemas.OrderItem?.example as Record<string, number>;
    expect(line.lineTotal).toBe((line.quantity ?? 0) * (line.unitPrice ?? 0));
    const order = document.components.schemas.Order?.example as Record<string, number>;
    expect(order.total).toBe(
      (order.subtotal ?? 0) -
        (order.discountAmount ?? 0) +
        (order.shippingAmount ?? 0) +
        (order.taxAmount ?? 0),
    );
  });

  it("shows an example for every operation's success and error responses", () => {
    for (const item of Object.values(document.paths)) {
      for (const op of Object.values(item)) {
        for (const [status, response] of Object.entries(op.responses)) {
          const schema = response.content?.['application/json']?.schema;
          if (!schema) continue;
          const where = `${op.operationId} ${status}`;
          expect({ where, example: exampleOf(schema) !== undefined }).toEqual({
            where,
            example: true,
          });
        }
      }
    }
  });

  it('refuses an example that does not fit its schema (the check can fail)', () => {
    const product = document.components.schemas.Product?.example as Record<string, unknown>;
    expect(schemas.errorsFor('Product', { ...product, price: '24.99' })).not.toEqual([]);
    expect(schemas.errorsFor('Product', { ...product, createdAt: 'yesterday' })).not.toEqual([]);
  });
});
