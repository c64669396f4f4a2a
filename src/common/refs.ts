const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

/**
 * Catalog items are addressed by id or by slug at the same path (`/api/products/{idOrSlug}`):
 * one path template per shape keeps the OpenAPI document valid, and clients may use either.
 * Slugs never look like UUIDs (see `uniqueSlug`), so the two cannot be confused.
 */
export type IdOrSlug = { id: string } | { slug: string };

export const parseRef = (ref: string): IdOrSlug =>
  isUuid(ref) ? { id: ref.toLowerCase() } : { slug: ref };
