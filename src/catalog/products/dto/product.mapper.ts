import type { ProductVariantDto } from '../../variants/dto/product-variant.dto.js';
import type { Product } from '../product.entity.js';
import type { ProductDto } from './product.dto.js';

/**
 * The product as clients see it; `staff` adds cost price and the low-stock threshold, and
 * `variants` (details only) its variants.
 */
export function toProductDto(
  product: Product,
  staff = false,
  variants?: ProductVariantDto[],
): ProductDto {
  const { category, brand } = product;
  if (!category) throw new Error('toProductDto needs the category loaded');
  return {
    id: product.id,
    slug: product.slug,
    name: product.name,
    sku: product.sku,
    description: product.description,
    shortDescription: product.shortDescription,
    price: product.price,
    compareAtPrice: product.compareAtPrice,
    currency: product.currency,
    stock: product.stock,
    inStock: product.stock > 0,
    lowStock: product.stock > 0 && product.stock <= product.lowStockThreshold,
    isActive: product.isActive,
    isFeatured: product.isFeatured,
    category: { id: category.id, slug: category.slug, name: category.name },
    brand: brand ? { id: brand.id, slug: brand.slug, name: brand.name } : null,
    images: product.images,
    barcode: product.barcode,
    weightGrams: product.weightGrams,
    lengthMm: product.lengthMm,
    widthMm: product.widthMm,
    heightMm: product.heightMm,
    seoTitle: product.seoTitle,
    seoDescription: product.seoDescription,
    isDigital: product.isDigital,
    requiresShipping: product.requiresShipping,
    ratingAverage: product.ratingAverage,
    reviewCount: product.reviewCount,
    hasVariants: product.activeVariantCount > 0,
    ...(variants ? { variants } : {}),
    ...(staff
      ? { costPrice: product.costPrice, lowStockThreshold: product.lowStockThreshold }
      : {}),
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
}
