import { randomBytes } from 'node:crypto';
import { expect } from '@jest/globals';
import type { TestApp, TestUser } from '../support/test-app.js';

/** `{id, slug, name}` of the category or brand embedded in a product. */
export interface RefView {
  id: string;
  slug: string;
  name: string;
}

export interface CategoryView {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  imageUrl: string | null;
  parentId: string | null;
  isActive: boolean;
  productCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface BrandView {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  logoUrl: string | null;
  website: string | null;
  isActive: boolean;
  productCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface ProductView {
  id: string;
  slug: string;
  name: string;
  sku: string;
  description: string;
  shortDescription: string;
  price: number;
  compareAtPrice: number | null;
  currency: string;
  stock: number;
  inStock: boolean;
  isActive: boolean;
  isFeatured: boolean;
  category: RefView;
  brand: RefView | null;
  images: Array<{ url: string; alt: string }>;
  costPrice?: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface ProductPage {
  items: ProductView[];
  page: number;
  pageSize: number;
  total: number;
  totalIsEstimate: boolean;
  totalPages: number;
  nextCursor: string | null;
}

export interface CategoryBody {
  name: string;
  description?: string | null;
  parentId?: string | null;
  isActive?: boolean;
}

export interface BrandBody {
  name: string;
  description?: string | null;
  isActive?: boolean;
}

export interface ProductBody {
  name: string;
  sku: string;
  price: number;
  categoryId: string;
  brandId?: string | null;
  description?: string;
  shortDescription?: string;
  compareAtPrice?: number | null;
  costPrice?: number | null;
  stock?: number;
  isActive?: boolean;
  isFeatured?: boolean;
  images?: Array<{ url: string; alt: string }>;
}

/**
 * A unique lower-case word (letters only), so names, slugs and SKUs built from it never collide
 * with another test's data and full-text search reads it as one word.
 */
export function uniqueWord(length = 10): string {
  return Array.from(randomBytes(length), (b) => String.fromCharCode(97 + (b % 26))).join('');
}

/** A unique SKU shaped like real ones: letters, a hyphen, digits. */
export const uniqueSku = (): string =>
  `${uniqueWord(8).toUpperCase()}-${100 + (randomBytes(1)[0] ?? 0)}`;

/** Builds catalog data through the API, as staff, the way clients do. */
export interface CatalogBuilders {
  /** A staff user whose token every builder uses. */
  staff: TestUser;
  /** A logged-in customer, for access and visibility checks. */
  customer: TestUser;
  /** A fresh category (unique name): a product list scoped with `category=<slug>` is the test's own. */
  category(body?: Partial<CategoryBody>): Promise<CategoryView>;
  brand(body?: Partial<BrandBody>): Promise<BrandView>;
  product(body: Partial<ProductBody> & { categoryId: string }): Promise<ProductView>;
}

export async function catalogBuilders(t: TestApp): Promise<CatalogBuilders> {
  const staff = await t.createUser({ role: 'staff' });
  const customer = await t.createUser();
  return {
    staff,
    customer,
    async category(body = {}) {
      const res = await t.http
        .post('/api/categories')
        .set('Authorization', staff.auth)
        .send({ name: `Category ${uniqueWord()}`, ...body });
      expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 201 });
      return res.body as CategoryView;
    },
    async brand(body = {}) {
      const res = await t.http
        .post('/api/brands')
        .set('Authorization', staff.auth)
        .send({ name: `Brand ${uniqueWord()}`, ...body });
      expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 201 });
      return res.body as BrandView;
    },
    async product(body) {
      const res = await t.http
        .post('/api/products')
        .set('Authorization', staff.auth)
        .send({
          name: `Product ${uniqueWord()}`,
          sku: uniqueSku(),
          price: 1000,
          stock: 10,
          ...body,
        });
      expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 201 });
      return res.body as ProductView;
    },
  };
}

/** Ids of a page's items, in order. */
export const idsOf = (page: { items: Array<{ id: string }> }): string[] =>
  page.items.map((item) => item.id);
