import { createHash } from 'node:crypto';

/**
 * The one place catalog cache keys are made. A key is
 * `catalog:<namespace>:v<generation>:<hash of the normalized query>`; bumping a namespace's
 * generation makes every key built on the old one unreachable at once, on every instance.
 */
export const CatalogNamespace = {
  /** Every product list: the main list, featured, per-category and per-brand lists. */
  products: 'products',
  /** Every product detail (a category or brand rename shows in all of them). */
  productDetails: 'product-details',
  categories: 'categories',
  brands: 'brands',
  /** One product's detail: stock changes from checkouts invalidate just that one. */
  product: (slug: string) => `product:${slug}`,
} as const;

export const GENERATION_KEY_PREFIX = 'catalog:gen:';

type QueryValue = string | number | boolean | null | undefined;

/**
 * Equal queries give equal strings: undefined values dropped, keys sorted, values stringified.
 * Defaults must be applied before (see the query DTOs' `normalize`).
 */
export function normalizeQuery(query: Record<string, QueryValue>): string {
  return Object.keys(query)
    .filter((key) => query[key] !== undefined)
    .sort()
    .map((key) => `${key}=${String(query[key])}`)
    .join('&');
}

export function hashQuery(query: Record<string, QueryValue>): string {
  return createHash('sha1').update(normalizeQuery(query)).digest('base64url');
}

/** `generations` is one per namespace in `namespaces`, in the same order. */
export function cacheKey(
  namespaces: readonly string[],
  generations: readonly number[],
  kind: string,
  query: Record<string, QueryValue>,
): string {
  const { before, after } = cacheKeyParts(namespaces, kind, query);
  return `${before}${generations.map((g) => `v${g}`).join('.')}${after}`;
}

/** A cache key without its version part (`v<generation>` per namespace, joined by dots). */
export function cacheKeyParts(
  namespaces: readonly string[],
  kind: string,
  query: Record<string, QueryValue>,
): { before: string; after: string } {
  return { before: `catalog:${namespaces.join('+')}:`, after: `:${kind}:${hashQuery(query)}` };
}

/** Keyv's namespace for the cache store: Keyv stores key `k` under `shop::k` in Redis. */
export const CACHE_STORE_NAMESPACE = 'shop';
export const CACHE_STORE_PREFIX = `${CACHE_STORE_NAMESPACE}::`;

export const generationKey = (namespace: string): string => `${GENERATION_KEY_PREFIX}${namespace}`;

/** ±10% around `ttlSeconds`, so keys filled together do not expire together. */
export function jitteredTtlMs(ttlSeconds: number, random: () => number = Math.random): number {
  return Math.round(ttlSeconds * 1000 * (0.9 + 0.2 * random()));
}
