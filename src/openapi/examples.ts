import type { OpenAPIObject } from '@nestjs/swagger';

/** The parts of a JSON Schema the example builder reads. */
interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  example?: unknown;
  examples?: unknown[];
  default?: unknown;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
}

/** Stable, real-looking UUIDs, one per kind of id (the same product id wherever it appears). */
const IDS: Record<string, string> = {
  product: '3f2b8c1e-6a4d-4e0b-9c57-1d8e2f4a6b90',
  variant: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  user: '0f8fad5b-d9cb-469f-a165-70867728950e',
  order: 'c56a4180-65aa-42ec-a945-5fd21dec0538',
  category: '9b2e4b7a-3c1d-4f6e-8a5b-2d7c9e1f0a34',
  brand: 'e4d909c2-90d0-4bd8-a3c7-1f2e3d4c5b6a',
  cart: '5d9f1c3b-7e2a-4b8c-9d0e-1f2a3b4c5d6e',
  cartItem: 'a1c2e3f4-5b6d-4e8f-9a0b-1c2d3e4f5a6b',
  attribute: '2c4e6a8b-0d1f-4a3c-8e5b-7d9f1a2c3e4b',
  value: '6e8a0c2d-4f1b-4d3e-9a5c-7b9d1e3f5a7c',
  image: 'b7d9f1a3-c5e7-4092-8b4d-6f8a0c2e4a6b',
  review: 'd3f5a7b9-c1e3-4f50-9a7c-8e0a2c4e6f8b',
  wishlist: 'f1a3c5e7-9b0d-4e2f-8a4c-6e8a0b2d4f6a',
  coupon: '8a0c2e4b-6d8f-4a1c-9e3b-5d7f9a1c3e5b',
  address: '4b6d8f0a-2c4e-4b7d-8f1a-3c5e7a9c1e3d',
  notification: 'e9b1d3f5-7a9c-4e1b-8d3f-5a7c9e1b3d5f',
  webhook: '1d3f5a7c-9e1b-4d3f-a5a7-c9e1b3d5f7a9',
  delivery: '7a9c1e3b-5d7f-4a9c-b1e3-5d7f9a1c3e5b',
  event: '2e4a6c8e-0b2d-4f6a-8c0e-2b4d6f8a0c2e',
  default: '6fa459ea-ee8a-4ca4-894e-db77e160355e',
};

const WHEN = '2026-11-02T14:31:07.000Z';

/** Which id a property holds, from its name (`productId`, `variantId`, `id` of a Product…). */
function idFor(property: string, owner: string): string {
  const keys = Object.keys(IDS);
  const key =
    property === 'id'
      ? keys.find((k) => owner.toLowerCase().endsWith(k.toLowerCase()))
      : keys.find((k) => property.toLowerCase().startsWith(k.toLowerCase()));
  if (key) return IDS[key];
  const ownerKey = Object.keys(IDS).find((k) => owner.toLowerCase().includes(k.toLowerCase()));
  return IDS[ownerKey ?? 'default'];
}

/** Realistic strings by property name (the owning schema decides what `name` names). */
function stringFor(property: string, owner: string, schema: Schema): string {
  const p = property.toLowerCase();
  const o = owner.toLowerCase();
  if (schema.format === 'uuid') return idFor(property, owner);
  if (schema.format === 'date-time') return WHEN;
  if (schema.format === 'date') return '1990-04-12';
  if (schema.format === 'email' || p.includes('email')) return 'ada.lovelace@example.com';
  if (schema.format === 'binary') return '(binary image file)';
  if (p === 'name' || p === 'deletedproductname') {
    if (o.includes('brand')) return 'Northwind Outfitters';
    if (o.includes('categor')) return 'Running Shoes';
    if (o.includes('attribute')) return 'Color';
    if (o.includes('wishlist')) return 'Birthday ideas';
    if (o.includes('user') || o.includes('profile') || o.includes('customer'))
      return 'Ada Lovelace';
    return 'Trail Runner 2';
  }
  if (p === 'value') return 'Red';
  if (p === 'slug') {
    if (o.includes('brand')) return 'northwind-outfitters';
    if (o.includes('categor')) return 'running-shoes';
    if (o.includes('attribute')) return 'color';
    return 'trail-runner-2';
  }
  if (p === 'sku') return 'TR2-RED-L';
  if (p === 'barcode') return '4006381333931';
  if (p === 'currency') return 'EUR';
  if (p === 'country') return 'GB';
  if (p === 'postalcode') return 'SW1A 1AA';
  if (p === 'city') return 'London';
  if (p === 'region') return 'Greater London';
  if (p === 'line1') return '221B Baker Street';
  if (p === 'line2') return 'Flat 2';
  if (p === 'fullname') return 'Ada Lovelace';
  if (p === 'label') return 'Home';
  if (p.includes('phone') || p === 'emergencycontact') return '+44 20 7946 0958';
  if (p === 'company') return 'Analytical Engines Ltd';
  if (p === 'occupation') return 'Mathematician';
  if (p === 'bio') return 'Writes programs for engines that do not exist yet.';
  if (p === 'code' || p === 'couponcode') return 'WELCOME10';
  if (p === 'trackingnumber') return '1Z999AA10123456784';
  if (p === 'title' || p === 'seotitle') return 'Light, grippy and true to size';
  if (p === 'text') return 'Three muddy months on forest trails and the grip is still like new.';
  if (p === 'alttext') return 'Red running shoe, side view';
  if (p === 'message') return 'Your order #10234 has shipped';
  if (p.includes('note') || p === 'moderationnote') return 'Packed with the gift wrap asked for';
  if (p.includes('description')) {
    if (o.includes('webhook')) return 'Order sync for the warehouse';
    if (o.includes('coupon')) return '10% off your first order';
    return 'A light trail running shoe with a grippy outsole and a breathable mesh upper.';
  }
  if (p === 'accesstoken' || p === 'refreshtoken' || p === 'token')
    return 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwZjhmYWQ1YiJ9.c2lnbmF0dXJl';
  if (p === 'sharetoken') return 'k3Jp9xQ2vT7mN4bL8wZ5cR1y';
  if (p === 'secret') return 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  if (p.includes('password')) return 'correct horse battery staple';
  if (p === 'url' && o.includes('webhook')) return 'https://hooks.northwind.example/shop';
  if (p === 'website') return 'https://northwind.example';
  if (schema.format === 'uri') return 'https://cdn.northwind.example/images/logo.png';
  if (p.includes('url') || schema.format === 'uri-reference')
    return '/media/products/3f2b8c1e/trail-runner-2.webp';
  if (p === 'contenttype') return 'image/webp';
  if (p.includes('error')) return 'connect ECONNREFUSED 203.0.113.7:443';
  if (p === 'responsebody') return '{"received":true}';
  if (p === 'q' || p === 'search') return 'cotton';
  return 'Trail Runner 2';
}

/** Realistic integers by property name, within the schema's bounds. */
function integerFor(property: string, owner: string, schema: Schema): number {
  const p = property.toLowerCase();
  let n = 1;
  if (p === 'compareatprice') n = 2999;
  else if (p === 'costprice') n = 1100;
  else if (p.startsWith('discount')) n = 250;
  else if (p.startsWith('shipping')) n = 495;
  else if (p.startsWith('tax')) n = 500;
  else if (/(price|amount|subtotal|linetotal|^total$)/.test(p) && !owner.endsWith('Page')) n = 2499;
  else if (p === 'total') n = 57;
  else if (p === 'totalpages') n = 3;
  else if (p === 'pagesize') n = 20;
  else if (p === 'stock' || p === 'available') n = 42;
  else if (p.includes('quantity') || p === 'requested') n = 2;
  else if (p.includes('count') || p === 'timesused') n = 3;
  else if (p === 'rating') n = 5;
  else if (p === 'statuscode') n = 200;
  else if (p === 'durationms') n = 184;
  else if (p === 'bytesize') n = 48_213;
  else if (p === 'width' || p === 'height') n = 1200;
  else if (p.endsWith('grams')) n = 180;
  else if (p.endsWith('mm')) n = 300;
  else if (p === 'expiresin') n = 900;
  else if (p === 'percentage') n = 80;
  else if (p.includes('limit') || p === 'threshold') n = 5;
  if (schema.minimum !== undefined && n < schema.minimum) n = schema.minimum;
  if (schema.maximum !== undefined && n > schema.maximum) n = schema.maximum;
  return n;
}

/**
 * Where values depend on each other (a line total is quantity × unit price, an order total
 * adds up): fields set over the built example, by schema.
 */
const CONSISTENT: Record<string, Record<string, unknown>> = {
  OrderItem: { quantity: 2, unitPrice: 2499, lineTotal: 4998 },
  OrderLineWebhook: { quantity: 2, unitPrice: 2499, lineTotal: 4998 },
  CartItem: { quantity: 2, lineTotal: 4998 },
  Cart: { itemCount: 2, subtotal: 4998 },
  Order: {
    status: 'shipped',
    paymentStatus: 'paid',
    subtotal: 4998,
    discountAmount: 250,
    shippingAmount: 495,
    taxAmount: 500,
    total: 5743,
    history: [
      { at: '2026-11-02T14:31:07.000Z', by: IDS.user, from: null, to: 'pending', note: null },
      {
        at: '2026-11-03T09:12:44.000Z',
        by: '9c858901-8a57-4791-81fe-4c455b099bc9',
        from: 'pending',
        to: 'shipped',
        note: 'Sent with Royal Mail Tracked 24',
      },
    ],
  },
  CouponQuote: {
    subtotal: 4998,
    discountAmount: 500,
    shippingAmount: 495,
    taxAmount: 450,
    total: 5443,
  },
};

/** The first non-null type of a schema. */
function typeOf(schema: Schema): string | undefined {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.find((t) => t !== 'null' && t !== undefined);
}

/**
 * Builds an example for every component schema that declares none, from the examples its
 * properties declare, the examples of the schemas it references, and realistic values by
 * property name and format (prices in minor units, ISO dates, UUIDs, real-looking names).
 */
export class ExampleBuilder {
  private readonly building = new Set<string>();

  constructor(private readonly schemas: Record<string, Schema>) {}

  /** The example of a component schema, built (and stored on it) when it has none. */
  component(name: string): unknown {
    const schema = this.schemas[name];
    if (!schema) return undefined;
    if (schema.example !== undefined) return schema.example;
    if (this.building.has(name)) return undefined; // a cycle: the property is left out
    this.building.add(name);
    const built = this.build(schema, '', name);
    const example =
      typeof built === 'object' && built !== null && !Array.isArray(built)
        ? { ...built, ...CONSISTENT[name] }
        : built;
    this.building.delete(name);
    if (example !== undefined) schema.example = example;
    return example;
  }

  private build(schema: Schema, property: string, owner: string): unknown {
    if (schema.example !== undefined) return schema.example;
    if (schema.examples?.length) return schema.examples[0];
    if (schema.$ref) return this.component(schema.$ref.replace('#/components/schemas/', ''));
    if (schema.const !== undefined) return schema.const;
    if (schema.enum?.length) return schema.enum.find((v) => v !== null);
    const choices = schema.anyOf ?? schema.oneOf;
    if (choices) {
      const choice = choices.find((c) => typeOf(c) !== undefined || c.$ref) ?? choices[0];
      return choice ? this.build(choice, property, owner) : null;
    }
    if (schema.allOf) {
      const parts = schema.allOf.map((part) => this.build(part, property, owner));
      const first = parts[0];
      if (!schema.properties && (typeof first !== 'object' || first === null)) return first;
      const own = schema.properties ? this.object(schema, owner) : undefined;
      return Object.assign({}, ...parts.filter((p) => typeof p === 'object'), own);
    }
    if (schema.default !== undefined) return schema.default;
    switch (typeOf(schema)) {
      case 'object':
        return schema.properties ? this.object(schema, owner) : {};
      case 'array': {
        const item = schema.items ? this.build(schema.items, property, owner) : undefined;
        return item === undefined ? [] : [item];
      }
      case 'integer':
        return integerFor(property, owner, schema);
      case 'number':
        return Math.min(schema.maximum ?? 4.5, Math.max(schema.minimum ?? 4.5, 4.5));
      case 'boolean':
        return !/^(isDigital|lowStock|disabled|newsletter|smsNotifications)/.test(property);
      case 'string': {
        let text = stringFor(property, owner, schema);
        if (schema.maxLength !== undefined) text = text.slice(0, schema.maxLength);
        if (schema.minLength !== undefined) text = text.padEnd(schema.minLength, 'x');
        return text;
      }
      case undefined:
        // Only `type: 'null'` (null), or no type at all (no example to give).
        return schema.type === undefined ? undefined : null;
      default:
        return undefined;
    }
  }

  private object(schema: Schema, owner: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      const value = this.build(property, key, owner);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
}

/** Gives every component schema an example (see {@link ExampleBuilder}). */
export function documentExamples(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const builder = new ExampleBuilder(schemas);
  for (const name of Object.keys(schemas)) builder.component(name);
}
