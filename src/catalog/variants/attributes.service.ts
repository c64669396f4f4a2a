import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { found } from '@/common/domain-error.js';
import { parseRef } from '@/common/refs.js';
import { isPgError, PgError } from '@/database/pg-errors.js';
import { uniqueSlug } from '../taxonomy/slug.js';
import { AttributeValue } from './attribute-value.entity.js';
import { Attribute } from './attribute.entity.js';
import type {
  CreateAttributeDto,
  CreateAttributeValueDto,
  UpdateAttributeDto,
  UpdateAttributeValueDto,
} from './dto/attribute.dto.js';
import {
  AttributeInUseError,
  AttributeNameTakenError,
  AttributeValueInUseError,
  AttributeValueTakenError,
} from './variants.errors.js';

/** Attempts at a fresh slug when a concurrent write took the one chosen. */
const SLUG_ATTEMPTS = 4;

/** The fields a PATCH body sets (absent ones stay as they are). */
export function definedFields<T extends object>(dto: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(dto).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

/**
 * Attributes (Color, Size) and their values (Red, L), managed by staff. Names are unique
 * regardless of case (values within their attribute); slugs are generated once and stay on
 * rename, so list filters keep working. Anything a variant uses cannot be deleted.
 */
@Injectable()
export class AttributesService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Every attribute with its values, by position then name. */
  list(): Promise<Attribute[]> {
    return this.db.manager.find(Attribute, {
      relations: { values: true },
      order: { position: 'ASC', name: 'ASC', id: 'ASC' },
    });
  }

  async get(idOrSlug: string, manager: EntityManager = this.db.manager): Promise<Attribute> {
    return found(
      await manager.findOne(Attribute, { where: parseRef(idOrSlug), relations: { values: true } }),
      'Attribute',
    );
  }

  async create(dto: CreateAttributeDto): Promise<Attribute> {
    const id = await this.withFreshSlug(() =>
      this.db.transaction(async (manager) => {
        const slug = await uniqueSlug(dto.name, (s) =>
          manager.exists(Attribute, { where: { slug: s } }),
        );
        const attribute = await manager
          .save(manager.create(Attribute, { name: dto.name, slug, position: dto.position ?? 0 }))
          .catch(this.mapNameTaken(dto.name));
        const taken = new Set<string>();
        for (const [position, value] of (dto.values ?? []).entries()) {
          const valueSlug = await uniqueSlug(value, (s) => Promise.resolve(taken.has(s)));
          taken.add(valueSlug);
          await manager.insert(AttributeValue, {
            attributeId: attribute.id,
            value,
            slug: valueSlug,
            position,
          });
        }
        return attribute.id;
      }),
    );
    return this.get(id);
  }

  async update(idOrSlug: string, dto: UpdateAttributeDto): Promise<Attribute> {
    const attribute = await this.get(idOrSlug);
    const changes = definedFields(dto);
    if (Object.keys(changes).length === 0) return attribute;
    await this.db.manager
      .update(Attribute, { id: attribute.id }, changes)
      .catch(this.mapNameTaken(dto.name ?? attribute.name));
    return this.get(attribute.id);
  }

  /** Deletes an attribute and its values; 409 while a variant uses one of them. */
  async delete(idOrSlug: string): Promise<void> {
    const attribute = await this.get(idOrSlug);
    const used = await this.variantsUsing('attribute_id', attribute.id);
    if (used > 0) throw new AttributeInUseError(used);
    await this.db.manager.delete(Attribute, { id: attribute.id }).catch((error: unknown) => {
      // A variant took one of its values meanwhile.
      if (isPgError(error, PgError.FOREIGN_KEY_VIOLATION)) throw new AttributeInUseError(1);
      throw error;
    });
  }

  async createValue(attributeRef: string, dto: CreateAttributeValueDto): Promise<Attribute> {
    const attribute = await this.get(attributeRef);
    await this.withFreshSlug(async () => {
      const slug = await uniqueSlug(dto.value, (s) =>
        this.db.manager.exists(AttributeValue, { where: { attributeId: attribute.id, slug: s } }),
      );
      await this.db.manager
        .insert(AttributeValue, {
          attributeId: attribute.id,
          value: dto.value,
          slug,
          position: dto.position ?? 0,
        })
        .catch(this.mapValueTaken(dto.value));
    });
    return this.get(attribute.id);
  }

  async updateValue(
    attributeRef: string,
    valueRef: string,
    dto: UpdateAttributeValueDto,
  ): Promise<Attribute> {
    const attribute = await this.get(attributeRef);
    const value = this.valueOf(attribute, valueRef);
    const changes = definedFields(dto);
    if (Object.keys(changes).length === 0) return attribute;
    await this.db.manager
      .update(AttributeValue, { id: value.id }, changes)
      .catch(this.mapValueTaken(dto.value ?? value.value));
    return this.get(attribute.id);
  }

  /** Deletes a value; 409 while a variant uses it. */
  async deleteValue(attributeRef: string, valueRef: string): Promise<void> {
    const value = this.valueOf(await this.get(attributeRef), valueRef);
    const used = await this.variantsUsing('attribute_value_id', value.id);
    if (used > 0) throw new AttributeValueInUseError(used);
    await this.db.manager.delete(AttributeValue, { id: value.id }).catch((error: unknown) => {
      if (isPgError(error, PgError.FOREIGN_KEY_VIOLATION)) throw new AttributeValueInUseError(1);
      throw error;
    });
  }

  /** A value of the attribute by id or slug. */
  private valueOf(attribute: Attribute, ref: string): AttributeValue {
    const parsed = parseRef(ref);
    return found(
      attribute.values?.find((v) => ('id' in parsed ? v.id === parsed.id : v.slug === parsed.slug)),
      'Attribute value',
    );
  }

  private async variantsUsing(
    column: 'attribute_id' | 'attribute_value_id',
    id: string,
  ): Promise<number> {
    const [row] = await this.db.query<Array<{ count: number }>>(
      `SELECT count(*)::int AS count FROM product_variant_values WHERE ${column} = $1`,
      [id],
    );
    return row?.count ?? 0;
  }

  /** Retries `write` when a concurrent write took the slug it picked (a unique slug violation). */
  private async withFreshSlug<T>(write: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await write();
      } catch (error) {
        const slugTaken =
          isPgError(error, PgError.UNIQUE_VIOLATION, 'attributes_slug_key') ||
          isPgError(error, PgError.UNIQUE_VIOLATION, 'attribute_values_attribute_slug_key');
        if (!slugTaken || attempt >= SLUG_ATTEMPTS) throw error;
      }
    }
  }

  private mapNameTaken(name: string): (error: unknown) => never {
    return (error) => {
      if (isPgError(error, PgError.UNIQUE_VIOLATION, 'attributes_name_lower_key'))
        throw new AttributeNameTakenError(name);
      throw error;
    };
  }

  private mapValueTaken(value: string): (error: unknown) => never {
    return (error) => {
      if (isPgError(error, PgError.UNIQUE_VIOLATION, 'attribute_values_value_lower_key'))
        throw new AttributeValueTakenError(value);
      throw error;
    };
  }
}
