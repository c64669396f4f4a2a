import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type ObjectLiteral, Repository, type SelectQueryBuilder } from 'typeorm';
import { found } from '@/common/domain-error.js';
import { parseRef } from '@/common/refs.js';
import { isPgError, PgError } from '@/database/pg-errors.js';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import { isUploadedImageUrl } from '../images/catalog-image-owners.service.js';
import { Brand } from '../taxonomy/brand.entity.js';
import { Category } from '../taxonomy/category.entity.js';
import { uniqueSlug } from '../taxonomy/slug.js';
import { UnknownReferenceError } from '../taxonomy/taxonomy.errors.js';
import { ProductVariantsService } from '../variants/product-variants.service.js';
import { CatalogSkuTakenError, StockManagedByVariantsError } from '../variants/variants.errors.js';
import type { ProductPageDto } from './dto/list-products-query.dto.js';
import type { CreateProductDto, ProductDto, UpdateProductDto } from './dto/product.dto.js';
import { toProductDto } from './dto/product.mapper.js';
import {
  applyListFilters,
  boundedByPage,
  isPlainSearch,
  type ListScope,
  type ListTotal,
  pageOf,
  SEARCH_MATCH,
  SEARCH_QUERY_SQL,
  SEARCH_RANK,
  SEARCH_RANK_OF,
} from './product-page.js';
import { decodeCursor, type NormalizedProductQuery, sortSpec } from './product-query.js';
import { Product } from './product.entity.js';
import { SkuTakenError } from './products.errors.js';

/** How many id → slug mappings are remembered (a few MB at most). */
const SLUG_MEMORY = 50_000;

/** Matches of a plain search counted exactly and ranked together: see `rankedSearch`. */
export const SEARCH_WINDOW = 1000;

/** Rows of a filtered list counted exactly; a larger list's total is estimated: see `countRows`. */
export const EXACT_COUNT_LIMIT = 1000;

/**
 * `document @@ tsquery` (a prefix query) through `product_search_prefixes_idx`: the same query
 * with exact words, on every prefix of the document's words (migration ProductSearchPrefixes),
 * then the document itself for the rows found. The prefixes hold no positions, so a phrase (a word
 * the parser splits, `a½b` → `a:* <-> b:*`) is asked of them as `&`, a wider match the document
 * narrows; otherwise both are the same.
 */
const PREFIX_MATCH = (document: string, tsquery: string): string =>
  `product_search_prefixes(${document}) @@
     replace(replace(${tsquery}::text, ':*', ''), '<->', '&')::tsquery
   AND ts_match_vq(${document}, ${tsquery})`;

/** Blocks of `product_search` a plain search reads first, to tell a common query from a rare one. */
const PROBE_BLOCKS = 100;

/**
 * ProductsService.rankedSearch's statement. $1 the tsquery, $2 how many matches to read (the
 * ranked windows and one more), $3 how many of them are ranked, $4 the window, $5 and $6 the
 * page's limit and offset. Answers how many matches it read, the block of the last one, the
 * table's blocks, and the page's ids.
 *
 * Both ways of reading matches give them in the table's physical order, so the same windows:
 * - common queries (trail: 12 %) scan the table from its start until $2 matches are found;
 *   `ts_match_vq` is `@@` that no index answers (the document index would list every match
 *   first, by merging the posting lists of every word with the prefix);
 * - rarer ones read the prefix index (exact keys: migration ProductSearchPrefixes), then visit
 *   at most $2 matching rows.
 * A scan needs about $2 / s rows for a share s of matching rows, the index about s × rows (its
 * posting lists): the scan is taken when s² × rows > $2, s measured on the first PROBE_BLOCKS
 * blocks. (At 100,000 products only a word in 10 % of them is scanned for; at 1,000,000, 3 %.)
 */
const SEARCH_WINDOW_SQL = `
  WITH q AS NOT MATERIALIZED (SELECT ${SEARCH_QUERY_SQL('$1')} AS q),
  probe AS (
    SELECT count(*) FILTER (WHERE s.is_active AND ts_match_vq(s.document, q.q))::float8 AS k,
           count(*)::float8 AS r,
           (pg_relation_size('product_search') / current_setting('block_size')::int)::int AS blocks
      FROM product_search s, q
     WHERE s.ctid < '(${PROBE_BLOCKS},0)'::tid
  ),
  plan AS (
    SELECT blocks,
           CASE WHEN k = 0 THEN false
                ELSE (k / r) ^ 2 * (r * blocks / least(blocks, ${PROBE_BLOCKS})) > $2::int
           END AS scan
      FROM probe
  ),
  m AS MATERIALIZED (
    (SELECT s.product_id AS id, ${SEARCH_RANK_OF('q.q')} AS rank, s.ctid AS at
       FROM product_search s, q
      WHERE (SELECT scan FROM plan) AND s.is_active AND ts_match_vq(s.document, q.q)
      LIMIT $2)
    UNION ALL
    (SELECT s.product_id AS id, ${SEARCH_RANK_OF('q.q')} AS rank, s.ctid AS at
       FROM product_search s, q
      WHERE NOT (SELECT scan FROM plan) AND s.is_active AND ${PREFIX_MATCH('s.document', 'q.q')}
      LIMIT $2)
  ),
  numbered AS (SELECT m.*, row_number() OVER () AS n FROM m)
  SELECT count(*)::int AS seen,
         max((at::text::point)[0])::int AS "lastBlock",
         (SELECT blocks FROM plan) AS blocks,
         ARRAY(SELECT id FROM numbered WHERE n <= $3
                ORDER BY (n - 1) / $4, rank DESC, id LIMIT $5 OFFSET $6)::text[] AS ids
    FROM numbered`;

/** Static routes beside `GET /api/products/:slug`: a product with such a slug is unreachable. */
const RESERVED_SLUGS = new Set(['featured']);

/** Products: the list and detail reads behind the catalog cache, and staff writes. */
@Injectable()
export class ProductsService {
  private readonly slugById = new Map<string, string>();
  /**
   * How many matches a search with `q` alone counts exactly and ranks together (see
   * `rankedSearch`); tests lower it to reach an estimated total with a few products.
   */
  searchWindow = SEARCH_WINDOW;
  /**
   * How many rows of a list are counted before its total is estimated (see `countRows`); tests
   * lower it like `searchWindow`.
   */
  exactCountLimit = EXACT_COUNT_LIMIT;

  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    @InjectConfig() private readonly config: AppConfig,
    private readonly variants: ProductVariantsService,
  ) {}

  /** The page of products for a normalized query; `total` may come from `countCache`. */
  async list(
    query: NormalizedProductQuery,
    scope: ListScope,
    staff: boolean,
    countCache: (count: () => Promise<ListTotal>) => Promise<ListTotal>,
  ): Promise<ProductPageDto> {
    const filtered = (): SelectQueryBuilder<Product> => this.filtered(query, scope);
    const offset = query.cursor ? 0 : (query.page - 1) * query.pageSize;
    const plainSearch = isPlainSearch(query, scope);
    const count = async (): Promise<ListTotal> =>
      plainSearch
        ? { total: await this.countSearch(query.tsquery), totalIsEstimate: false }
        : this.countRows(query, scope);
    const rows = filtered().innerJoinAndSelect('p.category', 'c').leftJoinAndSelect('p.brand', 'b');
    if (query.sort === 'relevance' && query.tsquery) {
      if (plainSearch) {
        const found = await this.rankedSearch(query.tsquery, offset, query.pageSize + 1);
        return pageOf(found.items, query, found.total, staff, found.totalIsEstimate);
      }
      rows.addSelect(SEARCH_RANK, 'rank').orderBy('rank', 'DESC').addOrderBy('p.id', 'ASC');
    } else {
      const sort = sortSpec(query.sort === 'relevance' ? '-createdAt' : query.sort);
      if (query.cursor) {
        const after = decodeCursor(query.cursor, query.sort);
        const op = sort.direction === 'ASC' ? '>' : '<';
        const value = sort.column === 'p.createdAt' ? new Date(after.value) : after.value;
        rows.andWhere(`(${sort.column}, p.id) ${op} (:cursorValue, :cursorId)`, {
          cursorValue: value,
          cursorId: after.id,
        });
      }
      rows.orderBy(sort.column, sort.direction).addOrderBy('p.id', sort.direction);
    }
    // One row more than the page tells whether a next page exists without counting.
    const [items, counted] = await Promise.all([
      rows
        .offset(offset)
        .limit(query.pageSize + 1)
        .getMany(),
      countCache(count),
    ]);
    const { total, totalIsEstimate } = query.cursor
      ? counted
      : boundedByPage(counted, offset, items.length, query.pageSize);
    return pageOf(items, query, total, staff, totalIsEstimate);
  }

  /**
   * A page (plus one) of the active products matching `tsquery`, best first, and how many match:
   * ranked and counted in `product_search` alone, in windows of `searchWindow` matches, then
   * only the page's products read.
   *
   * A common word matches a large share of the catalog (12 % for `trail`), and counting and
   * ranking every match cost work in proportion to the catalog. So the matches are taken in the
   * table's physical order (a bitmap scan of the prefix index, whose heap part stops early) and
   * split into
   * windows of `searchWindow`: results are ordered by window, then by rank (`SEARCH_RANK`), then
   * by id. When everything matching fits in the windows a page needs, this is the exact
   * relevance order and `total` is exact; otherwise page 1 is the best of the first
   * `searchWindow` matches, later pages continue window by window (the same order on every page
   * while the catalog does not change), and `total` is estimated from how much of the table the
   * scan read to find them (matches × table blocks ÷ blocks read).
   */
  private async rankedSearch(
    tsquery: string,
    offset: number,
    limit: number,
  ): Promise<{ items: Product[]; total: number; totalIsEstimate: boolean }> {
    const window = this.searchWindow;
    const ranked = Math.ceil((offset + limit) / window) * window;
    const row = await this.products.manager.transaction(async (manager) => {
      // The windows must be the same on every request: no scan may start mid-table to follow
      // another (synchronized scans), nor be split between workers (their rows interleave); a
      // bitmap of the prefix index must stay exact (a lossy page would compute its prefixes).
      await manager.query(
        `SELECT set_config('synchronize_seqscans', 'off', true),
                set_config('max_parallel_workers_per_gather', '0', true),
                set_config('work_mem', '32MB', true)`,
      );
      const rows: Array<{ seen: number; lastBlock: number | null; blocks: number; ids: string[] }> =
        await manager.query(SEARCH_WINDOW_SQL, [
          tsquery,
          ranked + 1,
          ranked,
          window,
          limit,
          offset,
        ]);
      return rows[0];
    });
    const { seen, lastBlock, blocks, ids } = row ?? {
      seen: 0,
      lastBlock: null,
      blocks: 0,
      ids: [],
    };
    const totalIsEstimate = seen > ranked;
    const total = totalIsEstimate
      ? Math.max(seen, Math.round((seen * blocks) / ((lastBlock ?? 0) + 1)))
      : seen;
    if (ids.length === 0) return { items: [], total, totalIsEstimate };
    const products = await this.products
      .createQueryBuilder('p')
      .innerJoinAndSelect('p.category', 'c')
      .leftJoinAndSelect('p.brand', 'b')
      .where('p.id IN (:...ids) AND p.isActive = true', { ids })
      .getMany();
    const byId = new Map(products.map((p) => [p.id, p]));
    return { items: ids.flatMap((id) => byId.get(id) ?? []), total, totalIsEstimate };
  }

  /**
   * How many products the list of `query` in `scope` holds: exact up to `exactCountLimit`, else
   * the planner's estimate (`totalIsEstimate`).
   *
   * Counting costs work in proportion to the rows counted, on every request of an uncached
   * list: 1–1.5 ms for a category's price range or a brand in stock at 100,000 products
   * (5,000–6,000 index entries), 10–15 ms at 1,000,000, and a keyset-cursor page of the whole
   * catalog counted every product (1.7 s at p95 at 1,000,000). So the count stops after
   * `exactCountLimit` + 1 rows (`LIMIT` in a subquery: the index scan stops there), and a list
   * that reaches it answers the row estimate of `EXPLAIN` for the same statement: planning
   * only, from the column statistics that autovacuum's ANALYZE keeps (within 10–15 % for the
   * bench's filters), never below the rows counted.
   *
   * `count(*)`, where `getCount` counts `DISTINCT p.id` and so sorts or hashes every id (61,000
   * for a brand at 1M products: 31 ms instead of 15). A list's filters join only one row per
   * product (`product_search`) or test others with `IN`, so ids are unique.
   */
  private async countRows(query: NormalizedProductQuery, scope: ListScope): Promise<ListTotal> {
    const [sql, parameters] = this.filtered(query, scope).select('1').getQueryAndParameters();
    const limit = this.exactCountLimit;
    const manager = this.products.manager;
    // The ids of the category and brand slugs, which the list resolves in its statements (see
    // `applyListFilters`): the estimate is asked with the id itself, whose share of the catalog
    // the statistics know (for a subquery's result, the planner assumes an average one).
    const lookups = [
      !scope.categoryId && query.category !== undefined
        ? `(SELECT id FROM categories WHERE slug = $${parameters.push(query.category)}) AS "categoryId"`
        : `NULL AS "categoryId"`,
      !scope.brandId && query.brand !== undefined
        ? `(SELECT id FROM brands WHERE slug = $${parameters.push(query.brand)}) AS "brandId"`
        : `NULL AS "brandId"`,
    ];
    const [row] = await manager.query<
      Array<{ n: number; categoryId: string | null; brandId: string | null }>
    >(
      `SELECT (SELECT count(*)::int FROM (${sql} LIMIT ${limit + 1}) AS capped) AS n,
              ${lookups.join(', ')}`,
      parameters,
    );
    const counted = row?.n ?? 0;
    if (counted <= limit) return { total: counted, totalIsEstimate: false };
    const [estimated, estimatedParameters] = this.filtered(query, {
      categoryId: scope.categoryId ?? row?.categoryId ?? undefined,
      brandId: scope.brandId ?? row?.brandId ?? undefined,
    })
      .select('1')
      .getQueryAndParameters();
    const [plan] = await manager.query<
      Array<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>
    >(`EXPLAIN (FORMAT JSON) ${estimated}`, estimatedParameters);
    const estimate = Math.round(plan?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0);
    return { total: Math.max(counted, estimate), totalIsEstimate: true };
  }

  /** How many active products match `tsquery`: counted in `product_search` alone. */
  private async countSearch(tsquery: string | undefined): Promise<number> {
    const row = await this.activeMatches(tsquery)
      .select('count(*)::int', 'n')
      .getRawOne<{ n: number }>();
    return row?.n ?? 0;
  }

  /** The `product_search` rows (alias `s`) of active products matching `tsquery`. */
  private activeMatches(tsquery: string | undefined): SelectQueryBuilder<ObjectLiteral> {
    return this.products.manager
      .createQueryBuilder()
      .from('product_search', 's')
      .where(`s.is_active AND ${SEARCH_MATCH}`, { tsquery });
  }
  /** Newest featured active products. */
  async featured(limit: number, includeInactive = false): Promise<ProductDto[]> {
    const items = await this.products
      .createQueryBuilder('p')
      .innerJoinAndSelect('p.category', 'c')
      .leftJoinAndSelect('p.brand', 'b')
      .where(includeInactive ? 'p.isFeatured = true' : 'p.isActive = true AND p.isFeatured = true')
      .orderBy('p.createdAt', 'DESC')
      .addOrderBy('p.id', 'DESC')
      .limit(limit)
      .getMany();
    return items.map((p) => toProductDto(p));
  }

  /**
   * The slug of a product addressed by id or slug (a slug is returned as is). Slugs never
   * change, so what an id maps to is remembered.
   */
  async slugOf(idOrSlug: string): Promise<string> {
    const ref = parseRef(idOrSlug);
    if ('slug' in ref) return ref.slug;
    const known = this.slugById.get(ref.id);
    if (known) return known;
    const product = found(
      await this.products.findOne({ select: { id: true, slug: true }, where: { id: ref.id } }),
      'Product',
    );
    if (this.slugById.size >= SLUG_MEMORY) this.slugById.clear();
    this.slugById.set(product.id, product.slug);
    return product.slug;
  }

  /** A product by slug; inactive ones only for staff. */
  async getBySlug(slug: string, staff: boolean): Promise<ProductDto> {
    const product = await this.products.findOne({
      where: staff ? { slug } : { slug, isActive: true },
      relations: { category: true, brand: true },
    });
    return this.withVariants(found(product, 'Product'), staff);
  }

  async create(dto: CreateProductDto): Promise<ProductDto> {
    await this.assertReferences(dto.categoryId, dto.brandId);
    const slug = await uniqueSlug(
      dto.name,
      async (s) => RESERVED_SLUGS.has(s) || (await this.products.exists({ where: { slug: s } })),
    );
    const product = this.products.create({
      ...dto,
      slug,
      brandId: dto.brandId ?? null,
      currency: this.config.currency,
      images: dto.images?.map(({ url, alt }) => ({ url, alt })) ?? [],
    });
    const saved = await this.saveUnique(product);
    return this.getById(saved.id);
  }

  async update(idOrSlug: string, dto: UpdateProductDto): Promise<ProductDto> {
    const product = found(await this.products.findOne({ where: parseRef(idOrSlug) }), 'Product');
    const id = product.id;
    await this.assertReferences(dto.categoryId, dto.brandId);
    if (dto.stock !== undefined && product.activeVariantCount > 0)
      throw new StockManagedByVariantsError();
    const { images, ...fields } = dto;
    Object.assign(product, fields);
    // `images` replaces the external images; uploaded ones (the images endpoints') stay first.
    if (images)
      product.images = [
        ...product.images.filter((image) => isUploadedImageUrl(image.url)),
        ...images.map(({ url, alt }) => ({ url, alt })),
      ];
    await this.saveUnique(product);
    return this.getById(id);
  }

  /** Deletes a product. Past orders keep their snapshot of it; carts lose the line. */
  async delete(idOrSlug: string): Promise<void> {
    const result = await this.products.delete(parseRef(idOrSlug));
    if (!result.affected) found(null, 'Product');
  }

  async getById(id: string, staff = true): Promise<ProductDto> {
    const product = await this.products.findOne({
      where: { id },
      relations: { category: true, brand: true },
    });
    return this.withVariants(found(product, 'Product'), staff);
  }

  /** The detail view: the product with its variants (inactive ones for staff). */
  private async withVariants(product: Product, staff: boolean): Promise<ProductDto> {
    return toProductDto(product, staff, await this.variants.forProduct(product, staff));
  }

  /** Public views of these products by id (carts); unknown ids are absent. */
  async findByIds(ids: string[]): Promise<Map<string, ProductDto>> {
    if (ids.length === 0) return new Map();
    const products = await this.products.find({
      where: { id: In(ids) },
      relations: { category: true, brand: true },
    });
    return new Map(products.map((p) => [p.id, toProductDto(p)]));
  }

  /** Slugs of the most recently created active products (cache warmup). */
  async recentSlugs(limit: number): Promise<string[]> {
    const rows = await this.products.find({
      select: { slug: true },
      where: { isActive: true },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
    return rows.map((r) => r.slug);
  }

  private filtered(query: NormalizedProductQuery, scope: ListScope): SelectQueryBuilder<Product> {
    return applyListFilters(this.products.createQueryBuilder('p').where('1 = 1'), query, scope);
  }

  private async assertReferences(
    categoryId: string | undefined,
    brandId: string | null | undefined,
  ): Promise<void> {
    const manager = this.products.manager;
    if (categoryId && !(await manager.exists(Category, { where: { id: categoryId } }))) {
      throw new UnknownReferenceError('categoryId');
    }
    if (brandId && !(await manager.exists(Brand, { where: { id: brandId } }))) {
      throw new UnknownReferenceError('brandId');
    }
  }

  private async saveUnique(product: Product): Promise<Product> {
    try {
      return await this.products.save(product);
    } catch (error) {
      if (isPgError(error, PgError.UNIQUE_VIOLATION, 'products_sku_lower_key'))
        throw new SkuTakenError(product.sku);
      if (isPgError(error, PgError.UNIQUE_VIOLATION, 'catalog_skus_pkey'))
        throw new CatalogSkuTakenError(product.sku); // a variant's SKU
      if (isPgError(error, PgError.UNIQUE_VIOLATION, 'products_slug_key')) {
        // Two products of one name created at the same moment: take another suffix.
        product.slug = await uniqueSlug(product.name, () => Promise.resolve(true));
        return this.saveUnique(product);
      }
      throw error;
    }
  }
}
