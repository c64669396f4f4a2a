import { jest } from '@jest/globals';
import { ProductsService } from '@/catalog/products/products.service.js';
import type { TestApp } from '../support/test-app.js';

/**
 * `warmCatalogCache` reads every category's and brand's first page: its time grows with all the
 * categories and brands every suite of the run has made, and with the machine's load.
 */
export const WARMUP_TIMEOUT_MS = 120_000;

/**
 * Records the product slugs the next warmup picks for its "most recent details" step: other
 * suites add products meanwhile, so the test asks the app which ones it warmed.
 */
export function recordRecentSlugs(t: TestApp): () => string[] {
  const products = t.app.get(ProductsService);
  const original = products.recentSlugs.bind(products);
  const picked: string[] = [];
  jest.spyOn(products, 'recentSlugs').mockImplementationOnce(async (limit: number) => {
    picked.push(...(await original(limit)));
    return picked;
  });
  return () => picked;
}

/**
 * Lets `fastify.inject()` (which `warmCatalogCache` sends its requests through) load under Jest.
 * Inject loads light-my-request, a CommonJS package that `require()`s the ESM-only `cookie`;
 * Jest's runtime cannot `require()` ESM before Node 24.9, and jest.config.js lists only the
 * packages the app itself needs compiled (REQUIRED_ESM). The module, loaded as ESM, is handed
 * to that `require()` instead. Call before the suite's first inject.
 */
export async function allowFastifyInject(): Promise<void> {
  const cookie = await import('cookie');
  jest.mock('cookie', () => cookie);
}
