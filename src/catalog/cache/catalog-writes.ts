import { CatalogNamespace as NS } from './catalog-cache.keys.js';

/** What a stock move tells the cache (see `StockChanged`). */
export interface StockMove {
  /** Slugs of the products whose stock moved. */
  productSlugs: readonly string[];
  /** Some product went out of stock or back in. */
  inStockFlipped: boolean;
}

/**
 * The one table of what a catalog write invalidates: for each kind of write, the cache
 * namespaces whose cached answers it can change. Every writer bumps through it
 * (`CatalogCache.bump(write, …)`), after its transaction committed: HTTP writes through
 * `@InvalidatesCache(write)` and the `CacheInvalidation` interceptor, the rest (checkouts,
 * moderated reviews, image uploads, the seed CLI and the demo shop) by calling `bump` from an
 * after-commit handler or once their own commit returned. Bumping before the commit would let a
 * reader refill the new generation with the old rows.
 *
 * A new catalog write: add a row here (or reuse one), and bump it after commit.
 */
export const CATALOG_WRITES = {
  /**
   * A product created, updated or deleted: lists, details, and the categories' and brands'
   * product counts.
   */
  product: () => [NS.products, NS.productDetails, NS.categories, NS.brands],
  /** A category created, renamed, moved or deleted: embedded in every product, filters lists. */
  category: () => [NS.categories, NS.products, NS.productDetails],
  /** A brand created, renamed or deleted: embedded in every product, filters lists. */
  brand: () => [NS.brands, NS.products, NS.productDetails],
  /**
   * A variant written: its product's detail, and the lists (stock, `inStock` and `hasVariants`
   * roll up from the variants; the attribute filter reads them).
   */
  variant: () => [NS.products, NS.productDetails],
  /**
   * An attribute or its values: product details show their names; slugs (what the list filter
   * reads) never change.
   */
  attribute: () => [NS.productDetails],
  /**
   * Stock moved by a checkout or a cancellation: the products' details; the lists only when a
   * product went in or out of stock (API contract: a list's stock count may be up to
   * `CACHE_TTL_SECONDS` old, its `inStock` never wrong), so checkouts do not empty the list cache.
   */
  stock: (move: StockMove) => [
    ...move.productSlugs.map((slug) => NS.product(slug)),
    ...(move.inStockFlipped ? [NS.products] : []),
  ],
  /**
   * A product's rating summary (a moderated review): its detail, and the lists sorted or
   * filtered by rating.
   */
  rating: (productSlug: string) => [NS.products, NS.product(productSlug)],
  /** A product's uploaded images: its detail and the lists that show them. */
  productImages: (productSlug: string) => [NS.products, NS.product(productSlug)],
  /** A category's or brand's uploaded image: its own reads, and the products that embed it. */
  taxonomyImage: (owner: 'category' | 'brand') => [
    owner === 'category' ? NS.categories : NS.brands,
    NS.products,
    NS.productDetails,
  ],
  /** Rows written in bulk outside the API (the seed CLI, the demo shop): everything. */
  bulkImport: () => [NS.products, NS.productDetails, NS.categories, NS.brands],
} satisfies Record<string, (...args: never[]) => readonly string[]>;

type Writes = typeof CATALOG_WRITES;
export type CatalogWrite = keyof Writes;
/** The arguments a write's row needs (none for the writes HTTP handlers declare). */
export type CatalogWriteArgs<W extends CatalogWrite> = Parameters<Writes[W]>;
/** Writes that need no argument: the ones a controller can declare with `@InvalidatesCache`. */
export type DeclaredCatalogWrite = {
  [W in CatalogWrite]: CatalogWriteArgs<W> extends [] ? W : never;
}[CatalogWrite];

/** The namespaces `write` invalidates, each once. */
export function namespacesOf<W extends CatalogWrite>(
  write: W,
  ...args: CatalogWriteArgs<W>
): string[] {
  const row = CATALOG_WRITES[write] as (...a: CatalogWriteArgs<W>) => readonly string[];
  return [...new Set(row(...args))];
}
