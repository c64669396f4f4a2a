import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { found, NotFoundError } from '@/common/domain-error.js';
import { isUuid, parseRef } from '@/common/refs.js';
import { isPgError, PgError } from '@/database/pg-errors.js';
import { definedFields } from './attributes.service.js';
import type {
  CreateProductVariantDto,
  ProductVariantDto,
  UpdateProductVariantDto,
  VariantAttributeDto,
} from './dto/product-variant.dto.js';
import { ProductVariantValue } from './product-variant-value.entity.js';
import { ProductVariant } from './product-variant.entity.js';
import {
  CatalogSkuTakenError,
  DuplicateVariantAttributeError,
  ProductStockTooLargeError,
  UnknownAttributeValueError,
  VariantAttributesMismatchError,
  VariantCombinationTakenError,
} from './variants.errors.js';

/** The product a variant write works on, read under its row lock. */
interface LockedOwner {
  id: string;
  slug: string;
  currency: string;
}

/** An attribute value as a variant write resolves it. */
interface ResolvedValue {
  id: string;
  attributeId: string;
  attributeName: string;
  attributePosition: number;
  value: string;
}

/** The product whose variants are read. */
export interface VariantOwner {
  id: string;
  currency: string;
}

/**
 * Variants of a product. Every write locks the product row first (`FOR NO KEY UPDATE`), as
 * checkouts and cancellations do before they touch a variant: locks are always taken product
 * first, so they never deadlock, and the checks below (one combination per variant, the same
 * attributes across a product's variants) cannot race. The database backs them: a unique
 * (product, combination) index, SKUs unique across products and variants, stock ≥ 0.
 */
@Injectable()
export class ProductVariantsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The product of `productRef` (id or slug); an inactive one only with `includeInactive`. */
  async owner(productRef: string, includeInactive: boolean): Promise<VariantOwner> {
    const ref = parseRef(productRef);
    const [row] = await this.db.query<Array<VariantOwner & { isActive: boolean }>>(
      `SELECT id, currency, is_active AS "isActive" FROM products
        WHERE ${'id' in ref ? 'id = $1::uuid' : 'slug = $1'}`,
      ['id' in ref ? ref.id : ref.slug],
    );
    if (!row || (!includeInactive && !row.isActive)) throw new NotFoundError('Product');
    return { id: row.id, currency: row.currency };
  }

  /** The variants of a product, by position; inactive ones only with `includeInactive`. */
  async forProduct(owner: VariantOwner, includeInactive: boolean): Promise<ProductVariantDto[]> {
    const variants = await this.db.manager.find(ProductVariant, {
      where: includeInactive ? { productId: owner.id } : { productId: owner.id, isActive: true },
      relations: { values: { attributeValue: { attribute: true } } },
      order: { position: 'ASC', createdAt: 'ASC', id: 'ASC' },
    });
    return variants.map((v) => toVariantDto(v, owner.currency));
  }

  /** Views of these variants by id (carts), inactive ones included; unknown ids are absent. */
  async byIds(ids: string[]): Promise<Map<string, ProductVariantDto>> {
    if (ids.length === 0) return new Map();
    const variants = await this.db.manager.find(ProductVariant, {
      where: { id: In(ids) },
      relations: { product: true, values: { attributeValue: { attribute: true } } },
    });
    return new Map(variants.map((v) => [v.id, toVariantDto(v, v.product?.currency ?? '')]));
  }

  /** One variant of the product; 404 when it is not the product's (or inactive, for the public). */
  async get(
    owner: VariantOwner,
    variantId: string,
    includeInactive: boolean,
  ): Promise<ProductVariantDto> {
    const variant = isUuid(variantId)
      ? await this.db.manager.findOne(ProductVariant, {
          where: { id: variantId.toLowerCase(), productId: owner.id },
          relations: { values: { attributeValue: { attribute: true } } },
        })
      : null;
    if (!variant || (!includeInactive && !variant.isActive)) throw new NotFoundError('Variant');
    return toVariantDto(variant, owner.currency);
  }

  async create(productRef: string, dto: CreateProductVariantDto): Promise<ProductVariantDto> {
    const { owner, id } = await this.db.transaction(async (manager) => {
      const owner = await this.lockProduct(manager, productRef);
      const values = await this.resolveValues(manager, dto.attributeValueIds);
      await this.assertSameAttributes(manager, owner.id, undefined, values);
      const combinationKey = combinationOf(values);
      await this.assertNewCombination(manager, owner.id, undefined, combinationKey);
      const variant = manager.create(ProductVariant, {
        productId: owner.id,
        name: dto.name ?? defaultName(values),
        sku: dto.sku,
        price: dto.price,
        stock: dto.stock ?? 0,
        isActive: dto.isActive ?? true,
        position: dto.position ?? 0,
        combinationKey,
      });
      await manager.save(variant).catch(mapConflicts(dto.sku));
      await this.saveValues(manager, variant.id, values);
      return { owner, id: variant.id };
    });
    return this.get(owner, id, true);
  }

  async update(
    productRef: string,
    variantId: string,
    dto: UpdateProductVariantDto,
  ): Promise<ProductVariantDto> {
    const owner = await this.db.transaction(async (manager) => {
      const owner = await this.lockProduct(manager, productRef);
      const variant = await this.ownVariant(manager, owner.id, variantId);
      const { attributeValueIds, ...fields } = definedFields(dto);
      const changes: Partial<ProductVariant> = { ...fields };
      if (attributeValueIds) {
        const values = await this.resolveValues(manager, attributeValueIds);
        await this.assertSameAttributes(manager, owner.id, variant.id, values);
        changes.combinationKey = combinationOf(values);
        await this.assertNewCombination(manager, owner.id, variant.id, changes.combinationKey);
        // A name that was the default follows the new values.
        if (fields.name === undefined) {
          const old = await this.resolveValues(manager, variant.combinationKey.split(','));
          if (variant.name === defaultName(old)) changes.name = defaultName(values);
        }
        await manager.delete(ProductVariantValue, { variantId: variant.id });
        await this.saveValues(manager, variant.id, values);
      }
      if (Object.keys(changes).length > 0)
        await manager
          .update(ProductVariant, { id: variant.id }, changes)
          .catch(mapConflicts(changes.sku ?? variant.sku));
      return owner;
    });
    return this.get(owner, variantId, true);
  }

  /** Deletes a variant: cart lines of it go, past orders keep their snapshot. */
  async delete(productRef: string, variantId: string): Promise<void> {
    await this.db.transaction(async (manager) => {
      const owner = await this.lockProduct(manager, productRef);
      const variant = await this.ownVariant(manager, owner.id, variantId);
      await manager.delete(ProductVariant, { id: variant.id });
    });
  }

  private async lockProduct(manager: EntityManager, productRef: string): Promise<LockedOwner> {
    const ref = parseRef(productRef);
    const [row] = await manager.query<LockedOwner[]>(
      `SELECT id, slug, currency FROM products WHERE ${'id' in ref ? 'id = $1::uuid' : 'slug = $1'}
       FOR NO KEY UPDATE`,
      ['id' in ref ? ref.id : ref.slug],
    );
    return found(row, 'Product');
  }

  private async ownVariant(
    manager: EntityManager,
    productId: string,
    variantId: string,
  ): Promise<ProductVariant> {
    const variant = isUuid(variantId)
      ? await manager.findOne(ProductVariant, {
          where: { id: variantId.toLowerCase(), productId },
        })
      : null;
    return found(variant, 'Variant');
  }

  /** The values by id, in attribute order; unknown ids and two values of one attribute are 400s. */
  private async resolveValues(manager: EntityManager, ids: string[]): Promise<ResolvedValue[]> {
    const rows = await manager.query<Array<ResolvedValue & { attributePosition: number }>>(
      `SELECT v.id, v.attribute_id AS "attributeId", a.name AS "attributeName",
              a.position AS "attributePosition", v.value
         FROM attribute_values v JOIN attributes a ON a.id = v.attribute_id
        WHERE v.id = ANY($1::uuid[])
        ORDER BY a.position, a.name, a.id`,
      [ids],
    );
    const unknown = ids.filter((id) => !rows.some((r) => r.id === id.toLowerCase()));
    if (unknown.length > 0) throw new UnknownAttributeValueError(unknown);
    const seen = new Set<string>();
    for (const row of rows) {
      if (seen.has(row.attributeId)) throw new DuplicateVariantAttributeError(row.attributeName);
      seen.add(row.attributeId);
    }
    return rows;
  }

  /** Every variant of a product is described by the same attributes as its siblings. */
  private async assertSameAttributes(
    manager: EntityManager,
    productId: string,
    exceptVariantId: string | undefined,
    values: ResolvedValue[],
  ): Promise<void> {
    const [sibling] = await manager
      .find(ProductVariant, {
        select: { id: true, combinationKey: true },
        where: { productId },
        order: { createdAt: 'ASC', id: 'ASC' },
        take: exceptVariantId ? 2 : 1,
      })
      .then((rows) => rows.filter((r) => r.id !== exceptVariantId));
    if (!sibling) return;
    const expected = await manager.query<Array<{ id: string; name: string }>>(
      `SELECT a.id, a.name FROM product_variant_values x JOIN attributes a ON a.id = x.attribute_id
        WHERE x.variant_id = $1 ORDER BY a.position, a.name, a.id`,
      [sibling.id],
    );
    const given = new Set(values.map((v) => v.attributeId));
    if (expected.length !== given.size || expected.some((a) => !given.has(a.id)))
      throw new VariantAttributesMismatchError(expected.map((a) => a.name));
  }

  private async assertNewCombination(
    manager: EntityManager,
    productId: string,
    exceptVariantId: string | undefined,
    combinationKey: string,
  ): Promise<void> {
    const same = await manager.findOne(ProductVariant, {
      select: { id: true },
      where: { productId, combinationKey },
    });
    if (same && same.id !== exceptVariantId) throw new VariantCombinationTakenError(same.id);
  }

  private async saveValues(
    manager: EntityManager,
    variantId: string,
    values: ResolvedValue[],
  ): Promise<void> {
    await manager.insert(
      ProductVariantValue,
      values.map((v) => ({ variantId, attributeId: v.attributeId, attributeValueId: v.id })),
    );
  }
}

/** The sorted value ids: equal sets of values give equal keys. */
const combinationOf = (values: ResolvedValue[]): string =>
  values
    .map((v) => v.id)
    .sort()
    .join(',');

/** `Red / L`: the values in attribute order. */
const defaultName = (values: ResolvedValue[]): string =>
  values
    .map((v) => v.value)
    .join(' / ')
    .slice(0, 200);

function mapConflicts(sku: string): (error: unknown) => never {
  return (error) => {
    if (isPgError(error, PgError.UNIQUE_VIOLATION, 'catalog_skus_pkey'))
      throw new CatalogSkuTakenError(sku);
    // The product's stock is its active variants' sum, kept by a trigger in a 32-bit column.
    if (isPgError(error, PgError.NUMERIC_VALUE_OUT_OF_RANGE)) throw new ProductStockTooLargeError();
    throw error;
  };
}

export function toVariantDto(variant: ProductVariant, currency: string): ProductVariantDto {
  const attributes: Array<VariantAttributeDto & { position: number }> = (variant.values ?? []).map(
    (link) => {
      const value = link.attributeValue;
      const attribute = value?.attribute;
      if (!value || !attribute) throw new Error('toVariantDto needs values and attributes loaded');
      return {
        attributeId: attribute.id,
        attributeSlug: attribute.slug,
        attributeName: attribute.name,
        valueId: value.id,
        valueSlug: value.slug,
        value: value.value,
        position: attribute.position,
      };
    },
  );
  attributes.sort(
    (a, b) => a.position - b.position || a.attributeName.localeCompare(b.attributeName),
  );
  return {
    id: variant.id,
    productId: variant.productId,
    name: variant.name,
    sku: variant.sku,
    price: variant.price,
    currency,
    stock: variant.stock,
    inStock: variant.stock > 0,
    isActive: variant.isActive,
    position: variant.position,
    attributes: attributes.map(({ position: _position, ...rest }) => rest),
    createdAt: variant.createdAt.toISOString(),
    updatedAt: variant.updatedAt.toISOString(),
  };
}
