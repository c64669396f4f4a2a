import { Injectable } from '@nestjs/common';
import { type AuthUser, isStaff } from '@/common/auth.js';
import { CatalogNamespace as NS } from '../cache/catalog-cache.keys.js';
import { privateBody } from '../cache/cached-response.js';
import { type CachedBody, CatalogCache } from '../cache/catalog-cache.service.js';
import type { ListProductsQueryDto } from './dto/list-products-query.dto.js';
import type { ListScope, ListTotal } from './product-page.js';
import { filterOf, normalizeProductQuery } from './product-query.js';
import { ProductsService } from './products.service.js';

/**
 * Product lists (main, per category, per brand) through the catalog cache. Public lists are
 * cached whole, and their totals apart (so paging through a filter counts once); staff lists
 * carry staff-only fields and are never cached.
 */
@Injectable()
export class ProductListReader {
  constructor(
    private readonly products: ProductsService,
    private readonly cache: CatalogCache,
  ) {}

  async read(
    kind: string,
    query: ListProductsQueryDto,
    scope: ListScope,
    user: AuthUser | undefined,
  ): Promise<CachedBody> {
    const staff = isStaff(user);
    const normalized = normalizeProductQuery(query, staff);
    if (staff) {
      return privateBody(await this.products.list(normalized, scope, true, (count) => count()));
    }
    // The tsquery stands for `q`: searches that differ only in case or punctuation share a key.
    const keyQuery = { ...normalized, q: undefined, ...scope };
    const countQuery = { ...filterOf(normalized), ...scope };
    const cached = await this.cache.getOrLoad([NS.products], kind, keyQuery, () =>
      this.products.list(
        normalized,
        scope,
        false,
        // `total`, not `count`: the entries hold `{total, totalIsEstimate}`, where `count` held
        // a bare number (a key of the old kind is never read as the new one).
        async (count) =>
          JSON.parse(
            (await this.cache.getOrLoad([NS.products], 'total', countQuery, count)).body,
          ) as ListTotal,
      ),
    );
    // A category's or brand's list was found by a lookup (slug → id) that a taxonomy write can
    // change without touching the products namespace: its URL must not map straight to this slot.
    return Object.keys(scope).length > 0 ? { ...cached, slot: undefined } : cached;
  }
}
