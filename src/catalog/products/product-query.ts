import { ValidationFailedError } from '@/common/domain-error.js';
import { DEFAULT_PAGE_SIZE } from '@/common/pagination.js';
import { unstorableText } from '@/common/validation.js';
import { formatAttributeFilter, parseAttributeFilter } from '../variants/attribute-filter.js';
import type { ListProductsQueryDto, ProductSort } from './dto/list-products-query.dto.js';
import { MAX_MONEY } from './dto/product.dto.js';

/** A product list query with every default applied: equal queries are equal objects. */
export interface NormalizedProductQuery {
  page: number;
  pageSize: number;
  cursor: string | undefined;
  q: string | undefined;
  /** Prefix tsquery built from `q`'s words (undefined when `q` has none). */
  tsquery: string | undefined;
  category: string | undefined;
  brand: string | undefined;
  minPrice: number | undefined;
  maxPrice: number | undefined;
  inStock: boolean | undefined;
  featured: boolean | undefined;
  minRating: number | undefined;
  minReviews: number | undefined;
  onSale: boolean | undefined;
  /** The attribute filter in canonical form (see `attribute-filter.ts`). */
  attributes: string | undefined;
  sort: ProductSort;
  includeInactive: boolean;
}

const MAX_SEARCH_TERMS = 8;

/** `"red trail-shoe"` → `"red:* & trail:* & shoe:*"`; words only, so no tsquery syntax gets through. */
export function toPrefixTsquery(q: string): string | undefined {
  const words =
    q
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu)
      ?.slice(0, MAX_SEARCH_TERMS) ?? [];
  return words.length > 0 ? words.map((w) => `${w}:*`).join(' & ') : undefined;
}

export function normalizeProductQuery(
  query: ListProductsQueryDto,
  staff: boolean,
): NormalizedProductQuery {
  if (
    query.minPrice !== undefined &&
    query.maxPrice !== undefined &&
    query.minPrice > query.maxPrice
  ) {
    throw new ValidationFailedError('minPrice must not be greater than maxPrice', [
      { field: 'minPrice', message: 'minPrice must not be greater than maxPrice' },
    ]);
  }
  const tsquery = query.q ? toPrefixTsquery(query.q) : undefined;
  let sort: ProductSort = query.sort ?? (tsquery ? 'relevance' : '-createdAt');
  if (sort === 'relevance' && !tsquery) sort = '-createdAt';
  if (query.cursor && sort === 'relevance') {
    throw new ValidationFailedError('cursor cannot be combined with sort=relevance; use page', [
      { field: 'cursor', message: 'not available with sort=relevance' },
    ]);
  }
  return {
    page: query.cursor ? 1 : (query.page ?? 1),
    pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
    cursor: query.cursor,
    q: tsquery ? query.q : undefined,
    tsquery,
    category: query.category,
    brand: query.brand,
    minPrice: query.minPrice,
    maxPrice: query.maxPrice,
    inStock: query.inStock,
    featured: query.featured,
    minRating: query.minRating,
    minReviews: query.minReviews,
    onSale: query.onSale,
    attributes:
      query.attributes === undefined
        ? undefined
        : formatAttributeFilter(parseAttributeFilter(query.attributes)),
    sort,
    includeInactive: staff && query.includeInactive === true,
  };
}

/** The filter part only: lists that differ in page, sort or cursor share one total. */
export function filterOf(
  q: NormalizedProductQuery,
): Record<string, string | number | boolean | undefined> {
  return {
    tsquery: q.tsquery,
    category: q.category,
    brand: q.brand,
    minPrice: q.minPrice,
    maxPrice: q.maxPrice,
    inStock: q.inStock,
    featured: q.featured,
    minRating: q.minRating,
    minReviews: q.minReviews,
    onSale: q.onSale,
    attributes: q.attributes,
    includeInactive: q.includeInactive,
  };
}

export interface SortSpec {
  /** Column expression of the sort key. */
  column: 'p.price' | 'p.name' | 'p.createdAt' | 'p.ratingAverage' | 'p.reviewCount';
  direction: 'ASC' | 'DESC';
}

export function sortSpec(sort: Exclude<ProductSort, 'relevance'>): SortSpec {
  switch (sort) {
    case 'price':
      return { column: 'p.price', direction: 'ASC' };
    case '-price':
      return { column: 'p.price', direction: 'DESC' };
    case 'name':
      return { column: 'p.name', direction: 'ASC' };
    case '-name':
      return { column: 'p.name', direction: 'DESC' };
    case 'createdAt':
      return { column: 'p.createdAt', direction: 'ASC' };
    case '-createdAt':
      return { column: 'p.createdAt', direction: 'DESC' };
    case 'rating':
      return { column: 'p.ratingAverage', direction: 'ASC' };
    case '-rating':
      return { column: 'p.ratingAverage', direction: 'DESC' };
    case 'reviews':
      return { column: 'p.reviewCount', direction: 'ASC' };
    case '-reviews':
      return { column: 'p.reviewCount', direction: 'DESC' };
  }
}

const INT32_MAX = 2_147_483_647;
/** `Date#toISOString` for years 0000–9999: well inside PostgreSQL's `timestamptz` range. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const isCount = (value: unknown, max: number): boolean =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= max;

/**
 * Whether a cursor's sort value is one its column can hold. The value goes into the SQL as a
 * parameter, so anything more (a price past 2^31, a year PostgreSQL cannot store, a NUL) made the
 * database fail the list with a 500 for a client's forged cursor.
 */
const SORT_VALUE_FITS: Record<SortSpec['column'], (value: unknown) => boolean> = {
  'p.price': (value) => isCount(value, MAX_MONEY),
  'p.reviewCount': (value) => isCount(value, INT32_MAX),
  'p.ratingAverage': (value) => typeof value === 'number' && value >= 0 && value <= 5,
  'p.createdAt': (value) =>
    typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value)),
  'p.name': (value) =>
    typeof value === 'string' && value.length <= 300 && unstorableText(value) === undefined,
};

/** Keyset cursors: the last row's sort value and id, opaque to clients. */
export function encodeCursor(sort: ProductSort, value: string | number, id: string): string {
  return Buffer.from(JSON.stringify([sort, value, id])).toString('base64url');
}

export function decodeCursor(
  cursor: string,
  sort: ProductSort,
): { value: string | number; id: string } {
  const invalid = (): never => {
    throw new ValidationFailedError('cursor is not valid for this query', [
      { field: 'cursor', message: 'not valid for this query' },
    ]);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== sort) return invalid();
  const [, value, id] = parsed as [unknown, unknown, unknown];
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (typeof id !== 'string' || !uuid.test(id)) return invalid();
  if (sort === 'relevance' || !SORT_VALUE_FITS[sortSpec(sort).column](value)) return invalid();
  return { value: value as string | number, id };
}
