import { describe, expect, it } from '@jest/globals';
import { CatalogNamespace, cacheKey, jitteredTtlMs, normalizeQuery } from './catalog-cache.keys.js';

describe('catalog cache keys', () => {
  it('normalizes equal queries to one string whatever the key order', () => {
    expect(normalizeQuery({ page: 1, q: 'shoe', brand: undefined })).toBe(
      normalizeQuery({ q: 'shoe', page: 1 }),
    );
    expect(normalizeQuery({ b: 2, a: 1 })).toBe('a=1&b=2');
  });

  it('distinguishes different queries and generations', () => {
    const ns = [CatalogNamespace.products];
    const a = cacheKey(ns, [1], 'list', { page: 1 });
    expect(cacheKey(ns, [1], 'list', { page: 2 })).not.toBe(a);
    expect(cacheKey(ns, [2], 'list', { page: 1 })).not.toBe(a);
    expect(cacheKey(ns, [1], 'featured', { page: 1 })).not.toBe(a);
    expect(a).toMatch(/^catalog:products:v1:list:[\w-]+$/);
  });

  it('names one product detail namespace per slug', () => {
    expect(CatalogNamespace.product('red-shoe')).toBe('product:red-shoe');
  });

  it('keeps the jittered TTL within ±10%', () => {
    expect(jitteredTtlMs(100, () => 0)).toBe(90_000);
    expect(jitteredTtlMs(100, () => 1)).toBe(110_000);
  });
});
