/*
 * The catalog's public surface: everything other modules may import from the catalog, in one
 * list. Everything else under src/catalog/ is the catalog's own business (tests may reach in).
 * The entities are registered with TypeORM by src/database/entities.ts through their own paths.
 */
export { CatalogModule } from './catalog.module.js';

// Products: cart lines, wishlists and reviews resolve and show products.
export { ProductsService } from './products/products.service.js';
export { ProductDto } from './products/dto/product.dto.js';
export { ProductRatingService, type RatedProduct } from './products/product-rating.service.js';

// Variants: a cart line may name one.
export { ProductVariantsService } from './variants/product-variants.service.js';
export { ProductVariantDto } from './variants/dto/product-variant.dto.js';
export { VariantRequiredError } from './variants/variants.errors.js';

// Inventory: carts, checkout and order status changes reserve and release stock.
export { type LockedProduct, type LockedVariant, StockService } from './inventory/stock.service.js';

// Images: the media module stores uploads for products, categories and brands.
export {
  CatalogImageOwners,
  type ImageOwner,
  type ImageOwnerKind,
} from './images/catalog-image-owners.service.js';

// Cache and demo data: the seed and cache-warmup CLIs and the demo shop.
export { CatalogNamespace } from './cache/catalog-cache.keys.js';
export { CatalogCache } from './cache/catalog-cache.service.js';
export { warmCatalogCache } from './cache/cache-warmup.js';
export { seedDemoCatalog } from './demo/demo-catalog.js';
