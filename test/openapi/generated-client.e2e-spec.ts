import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import openapiTS, { astToString } from 'openapi-typescript';
import { runShopFlow } from '../../examples/spa-client/shop-flow.js';
import { CatalogCache } from '@/catalog/index.js';
import { createTestApp, STRONG_PASSWORD, type TestApp, uniqueEmail } from '../support/test-app.js';

/**
 * The canonical SPA example (examples/spa-client) against the committed openapi.json: types
 * generated with openapi-typescript, the client type-checked with tsc (a renamed field fails),
 * then run through the whole shop flow against a started app.
 */
describe('a client generated from openapi.json', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('type-checks against the generated types', async () => {
    const types = astToString(await openapiTS(JSON.parse(readFileSync('openapi.json', 'utf8'))));
    mkdirSync('examples/spa-client/generated', { recursive: true });
    writeFileSync('examples/spa-client/generated/api.d.ts', types);
    const tsc = spawnSync(
      process.execPath,
      ['node_modules/typescript/bin/tsc', '-p', 'examples/spa-client'],
      { encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('runs the whole shop flow: browse, cart, idempotent checkout, live update, catch-up, refresh, logout', async () => {
    const staff = await t.createUser({ role: 'staff' });
    const [category] = await t.dataSource.query<Array<{ id: string }>>(
      `INSERT INTO categories (name, slug) VALUES ('Client test', $1) RETURNING id`,
      [`client-test-${Date.now()}`],
    );
    await t.dataSource.query(
      `INSERT INTO products (name, slug, sku, price, currency, stock, category_id) VALUES ($1, $1, $1, 0, 'USD', 10, $2)`,
      [`client-flow-${Date.now()}`, category?.id],
    );
    // A write outside HTTP bumps the catalog cache as every catalog writer does (Redis outlives
    // the run's database: a list cached by an earlier run would still show its products).
    await t.app.get(CatalogCache).bump('product');
    const customer = { email: uniqueEmail('spa'), password: STRONG_PASSWORD, name: 'SPA Customer' };
    const result = await runShopFlow({
      baseUrl: t.baseUrl,
      staff: { email: staff.email, password: staff.password },
      customer,
    });
    expect(result.pushed).toMatchObject({
      orderId: result.order.id,
      oldStatus: 'pending',
      newStatus: 'confirmed',
    });
    expect(result.caughtUp.some((line) => line.startsWith('order_status_update'))).toBe(true);
    expect(result.caughtUp.some((line) => line.startsWith('order_created'))).toBe(true);
  });
});
