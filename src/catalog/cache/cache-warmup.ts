import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ProductsService } from '../products/products.service.js';
import { BrandsService } from '../taxonomy/brands.service.js';
import { CategoriesService } from '../taxonomy/categories.service.js';

export interface WarmupRow {
  target: string;
  requests: number;
  filled: number;
  alreadyWarm: number;
  ms: number;
}

export interface WarmupOptions {
  /** Pages of the main product list. */
  pages: number;
  /** Most recent product details. */
  details: number;
}

/**
 * Fills the catalog cache's hot keys by sending the real requests in-process (Fastify inject):
 * the very code path of client reads, so the warm keys are exactly the keys clients hit.
 */
export async function warmCatalogCache(
  app: NestFastifyApplication,
  options: WarmupOptions,
): Promise<WarmupRow[]> {
  const fastify = app.getHttpAdapter().getInstance();
  const rows: WarmupRow[] = [];
  const warm = async (target: string, urls: string[]): Promise<void> => {
    const started = performance.now();
    const row: WarmupRow = { target, requests: urls.length, filled: 0, alreadyWarm: 0, ms: 0 };
    for (const url of urls) {
      const res = await fastify.inject({ method: 'GET', url });
      if (res.statusCode !== 200)
        throw new Error(`GET ${url} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
      if (res.headers['x-cache'] === 'HIT') row.alreadyWarm += 1;
      else row.filled += 1;
    }
    row.ms = Math.round(performance.now() - started);
    rows.push(row);
  };
  const categories = await app.get(CategoriesService).list(false);
  const brands = await app.get(BrandsService).list(false);
  const pages = Array.from({ length: options.pages }, (_, i) => i + 1);
  await warm('categories', [
    '/api/categories',
    ...categories.map(({ item }) => `/api/categories/${item.slug}`),
  ]);
  await warm('brands', ['/api/brands', ...brands.map(({ item }) => `/api/brands/${item.slug}`)]);
  await warm('featured products', ['/api/products/featured']);
  await warm(
    `product list, pages 1–${options.pages}`,
    pages.map((p) => `/api/products?page=${p}`),
  );
  await warm(
    'first page of each category',
    categories.map(({ item }) => `/api/categories/${item.slug}/products`),
  );
  await warm(
    'first page of each brand',
    brands.map(({ item }) => `/api/brands/${item.slug}/products`),
  );
  const slugs = await app.get(ProductsService).recentSlugs(options.details);
  await warm(
    `${slugs.length} most recent product details`,
    slugs.map((s) => `/api/products/${encodeURIComponent(s)}`),
  );
  return rows;
}
