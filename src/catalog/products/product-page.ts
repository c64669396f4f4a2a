import type { SelectQueryBuilder } from 'typeorm';
import { PLAN_PER_EXECUTION } from '@/database/prepared-statements.js';
import { attributeFilterCondition, parseAttributeFilter } from '../variants/attribute-filter.js';
import type { ProductPageDto } from './dto/list-products-query.dto.js';
import { toProductDto } from './dto/product.mapper.js';
import {
  encodeCursor,
  filterOf,
  type NormalizedProductQuery,
  sortSpec,
  type SortSpec,
} from './product-query.js';
import type { Product } from './product.entity.js';

/*
 * The pure parts of ProductsService.list: the search SQL, the filter conditions and the page
 * built from the fetched rows.
 */

/**
 * `q`'s prefix terms against stemmed words (`runs` finds `running`) or plain ones (`runn` finds
 * `running`, `demo-000001` finds that SKU); the search vector holds both forms of every field.
 * Every statement that embeds it is planned for its words each time (PLAN_PER_EXECUTION): how
 * many products a word matches decides the plan.
 */
export const SEARCH_QUERY_SQL = (param: string): string =>
  `${PLAN_PER_EXECUTION}(to_tsquery('english', ${param}) || to_tsquery('simple', ${param}))`;
const SEARCH_QUERY = SEARCH_QUERY_SQL(':tsquery');
/**
 * Search runs on `product_search` (alias `s`, one narrow row per product: see its migration):
 * `q` matches the whole text (`document`, through its GIN index), results rank by name and SKU
 * (`title`, a name match above a description-only one).
 */
export const SEARCH_MATCH = `s.document @@ ${SEARCH_QUERY}`;
export const SEARCH_RANK_OF = (tsquery: string): string => `ts_rank(s.title, ${tsquery})`;
export const SEARCH_RANK = SEARCH_RANK_OF(SEARCH_QUERY);

/**
 * Restricts a list to one category or brand by id (the category's and brand's own product
 * lists); otherwise `category` and `brand` are slugs, resolved in the list's statements.
 */
export interface ListScope {
  categoryId?: string;
  brandId?: string;
}

/** Narrows `qb` (products as `p`) to the query's filters and the caller's scope. */
export function applyListFilters(
  qb: SelectQueryBuilder<Product>,
  query: NormalizedProductQuery,
  scope: ListScope,
): SelectQueryBuilder<Product> {
  if (!query.includeInactive) qb.andWhere('p.isActive = true');
  // A slug is looked up in the statement itself, not by one of its own first (a round trip of
  // four per uncached list, where the statement costs more than its answer); an unknown slug
  // matches no id, so the list is empty.
  if (scope.categoryId) qb.andWhere('p.categoryId = :categoryId', { categoryId: scope.categoryId });
  else if (query.category)
    qb.andWhere('p.categoryId = (SELECT id FROM categories WHERE slug = :categorySlug)', {
      categorySlug: query.category,
    });
  if (scope.brandId) qb.andWhere('p.brandId = :brandId', { brandId: scope.brandId });
  else if (query.brand)
    qb.andWhere('p.brandId = (SELECT id FROM brands WHERE slug = :brandSlug)', {
      brandSlug: query.brand,
    });
  if (query.tsquery)
    qb.innerJoin('product_search', 's', 's.product_id = p.id').andWhere(SEARCH_MATCH, {
      tsquery: query.tsquery,
    });
  if (query.minPrice !== undefined)
    qb.andWhere('p.price >= :minPrice', { minPrice: query.minPrice });
  if (query.maxPrice !== undefined)
    qb.andWhere('p.price <= :maxPrice', { maxPrice: query.maxPrice });
  if (query.inStock === true) qb.andWhere('p.stock > 0');
  if (query.inStock === false) qb.andWhere('p.stock = 0');
  if (query.featured !== undefined)
    qb.andWhere('p.isFeatured = :featured', { featured: query.featured });
  if (query.minRating !== undefined)
    qb.andWhere('p.ratingAverage >= :minRating', { minRating: query.minRating });
  if (query.minReviews !== undefined)
    qb.andWhere('p.reviewCount >= :minReviews', { minReviews: query.minReviews });
  if (query.onSale !== undefined)
    qb.andWhere(
      query.onSale
        ? 'p.compareAtPrice > p.price'
        : '(p.compareAtPrice IS NULL OR p.compareAtPrice <= p.price)',
    );
  if (query.attributes) {
    const filter = attributeFilterCondition(
      parseAttributeFilter(query.attributes),
      query.inStock === true,
    );
    qb.andWhere(filter.sql, filter.params);
  }
  return qb;
}
/**
 * A search with nothing else to filter by (only active products, no taxonomy, price, stock,
 * rating or attribute filter): counted and ranked in `product_search` without `products`.
 */
export function isPlainSearch(query: NormalizedProductQuery, scope: ListScope): boolean {
  const { tsquery, includeInactive, ...others } = filterOf(query);
  return (
    tsquery !== undefined &&
    includeInactive !== true &&
    Object.values(others).every((value) => value === undefined) &&
    !scope.categoryId &&
    !scope.brandId
  );
}

/** A list's `total`, and whether it is an estimate (`ProductsService.countRows`). */
export interface ListTotal {
  total: number;
  totalIsEstimate: boolean;
}

/**
 * An estimated total corrected by the page read at `offset` (`fetched` rows: the page and one
 * more when a next page exists): a page that is not full is the last, so the total is exact;
 * a full one has rows after it, so the total is at least the rows up to them. Exact totals and
 * empty pages (past the end: the total is somewhere before) are kept as they are.
 */
export function boundedByPage(
  counted: ListTotal,
  offset: number,
  fetched: number,
  pageSize: number,
): ListTotal {
  if (!counted.totalIsEstimate || fetched === 0) return counted;
  if (fetched <= pageSize) return { total: offset + fetched, totalIsEstimate: false };
  return { total: Math.max(counted.total, offset + fetched), totalIsEstimate: true };
}

/** A product's value of each sort column, as a keyset cursor carries it. */
const SORT_VALUE: Record<SortSpec['column'], (p: Product) => string | number> = {
  'p.price': (p) => p.price,
  'p.name': (p) => p.name,
  'p.createdAt': (p) => p.createdAt.toISOString(),
  'p.ratingAverage': (p) => p.ratingAverage,
  'p.reviewCount': (p) => p.reviewCount,
};

/** The page of `items` (fetched with one extra row: is there a next page?). */
export function pageOf(
  items: Product[],
  query: NormalizedProductQuery,
  total: number,
  staff: boolean,
  totalIsEstimate = false,
): ProductPageDto {
  const hasMore = items.length > query.pageSize;
  const pageItems = items.slice(0, query.pageSize);
  const last = pageItems.at(-1);
  let nextCursor: string | null = null;
  if (hasMore && last && query.sort !== 'relevance') {
    const sortValue = SORT_VALUE[sortSpec(query.sort).column](last);
    nextCursor = encodeCursor(query.sort, sortValue, last.id);
  }
  return {
    items: pageItems.map((p) => toProductDto(p, staff)),
    page: query.page,
    pageSize: query.pageSize,
    total,
    totalIsEstimate,
    totalPages: total === 0 ? 0 : Math.ceil(total / query.pageSize),
    nextCursor,
  };
}
