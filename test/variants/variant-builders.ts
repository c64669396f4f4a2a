import { expect } from '@jest/globals';
import {
  type CatalogBuilders,
  catalogBuilders,
  type ProductView,
  uniqueSku,
  uniqueWord,
} from '../catalog/catalog-builders.js';
import type { TestApp } from '../support/test-app.js';

export interface AttributeValueView {
  id: string;
  slug: string;
  value: string;
  position: number;
}

export interface AttributeView {
  id: string;
  slug: string;
  name: string;
  position: number;
  values: AttributeValueView[];
  createdAt: string;
  updatedAt: string;
}

export interface VariantAttributeView {
  attributeId: string;
  attributeSlug: string;
  attributeName: string;
  valueId: string;
  valueSlug: string;
  value: string;
}

export interface VariantView {
  id: string;
  productId: string;
  name: string;
  sku: string;
  price: number;
  currency: string;
  stock: number;
  inStock: boolean;
  isActive: boolean;
  position: number;
  attributes: VariantAttributeView[];
  createdAt: string;
  updatedAt: string;
}

export type ProductWithVariants = ProductView & {
  hasVariants: boolean;
  variants?: VariantView[];
};

export interface VariantBody {
  attributeValueIds: string[];
  sku?: string;
  price?: number;
  stock?: number;
  name?: string;
  isActive?: boolean;
  position?: number;
}

export interface VariantBuilders extends CatalogBuilders {
  /** A fresh attribute (unique name) with these values. */
  attribute(values: string[], name?: string): Promise<AttributeView>;
  variant(productId: string, body: VariantBody): Promise<VariantView>;
  /** The value of `attribute` named `value`. */
  valueId(attribute: AttributeView, value: string): string;
}

export async function variantBuilders(t: TestApp): Promise<VariantBuilders> {
  const base = await catalogBuilders(t);
  return {
    ...base,
    async attribute(values, name = `Attr ${uniqueWord()}`) {
      const res = await t.http
        .post('/api/attributes')
        .set('Authorization', base.staff.auth)
        .send({ name, values });
      expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 201 });
      return res.body as AttributeView;
    },
    async variant(productId, body) {
      const res = await t.http
        .post(`/api/products/${productId}/variants`)
        .set('Authorization', base.staff.auth)
        .send({ sku: uniqueSku(), price: 1500, stock: 5, ...body });
      expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 201 });
      return res.body as VariantView;
    },
    valueId(attribute, value) {
      const found = attribute.values.find((v) => v.value === value);
      if (!found) throw new Error(`no value ${value} in ${attribute.name}`);
      return found.id;
    },
  };
}
