import { DataSource, type EntityTarget, type Repository } from 'typeorm';
import { type ConflictError, found } from '@/common/domain-error.js';
import { parseRef } from '@/common/refs.js';
import { isPgError, PgError } from '@/database/pg-errors.js';
import { Product } from '../products/product.entity.js';
import { Brand } from './brand.entity.js';
import { Category } from './category.entity.js';
import { uniqueSlug } from './slug.js';

type Taxon = Category | Brand;

/**
 * What categories and brands share: a name with a stable unique slug, an active flag, products
 * that point at them (with a per-item active product count), and no deletion while products do.
 */
export abstract class TaxonomyService<T extends Taxon, CreateDto extends { name: string }> {
  protected readonly repo: Repository<T>;

  protected constructor(
    protected readonly dataSource: DataSource,
    private readonly entity: EntityTarget<T>,
    private readonly label: string,
    private readonly productColumn: 'categoryId' | 'brandId',
    private readonly inUse: (productCount: number) => ConflictError,
  ) {
    this.repo = dataSource.getRepository(entity);
  }

  /** Every active item (every item for `includeInactive`) by name, with active product counts. */
  async list(includeInactive: boolean): Promise<Array<{ item: T; productCount: number }>> {
    const items = await this.repo.find({
      where: includeInactive ? {} : ({ isActive: true } as never),
      order: { name: 'ASC', id: 'ASC' } as never,
    });
    const counts = await this.activeProductCounts();
    return items.map((item) => ({ item, productCount: counts.get(item.id) ?? 0 }));
  }

  /** An item by id or slug; inactive ones only with `includeInactive`. */
  async getByRef(
    idOrSlug: string,
    includeInactive: boolean,
  ): Promise<{ item: T; productCount: number }> {
    const ref = parseRef(idOrSlug);
    const where = includeInactive ? ref : { ...ref, isActive: true };
    const item = found(await this.repo.findOne({ where: where as never }), this.label);
    return { item, productCount: await this.activeProductCount(item.id) };
  }

  async getById(id: string): Promise<{ item: T; productCount: number }> {
    const item = found(await this.repo.findOne({ where: { id } as never }), this.label);
    return { item, productCount: await this.activeProductCount(item.id) };
  }

  async create(dto: CreateDto): Promise<{ item: T; productCount: number }> {
    await this.validate(dto, undefined);
    for (let attempt = 0; ; attempt += 1) {
      // After a collision, straight to a random suffix: items of one name created at the same
      // moment all walk `name`, `name-2`… in step, and would keep colliding.
      const slug = await uniqueSlug(dto.name, (s) =>
        attempt === 0 ? this.repo.exists({ where: { slug: s } as never }) : Promise.resolve(true),
      );
      try {
        const entity = this.repo.create({ ...dto, slug } as unknown as T);
        const saved = await this.repo.save(entity);
        return { item: saved, productCount: 0 };
      } catch (error) {
        // Another item of the same name took the slug between the check and the insert.
        if (!isPgError(error, PgError.UNIQUE_VIOLATION) || attempt >= 3) throw error;
      }
    }
  }

  /** Updates fields; the slug stays as it was (links keep working after a rename). */
  async update(
    idOrSlug: string,
    dto: Partial<CreateDto>,
  ): Promise<{ item: T; productCount: number }> {
    const item = found(await this.repo.findOne({ where: parseRef(idOrSlug) as never }), this.label);
    const id = item.id;
    await this.validate(dto, item);
    Object.assign(item, dto);
    await this.repo.save(item);
    return this.getById(id);
  }

  /** Deletes an item no product points at (409 otherwise, also when one is added meanwhile). */
  async delete(idOrSlug: string): Promise<void> {
    const { id } = found(
      await this.repo.findOne({ where: parseRef(idOrSlug) as never }),
      this.label,
    );
    await this.beforeDelete(id);
    const productCount = await this.dataSource
      .getRepository(Product)
      .count({ where: { [this.productColumn]: id } });
    if (productCount > 0) throw this.inUse(productCount);
    try {
      await this.repo.delete(id);
    } catch (error) {
      if (isPgError(error, PgError.FOREIGN_KEY_VIOLATION)) throw this.inUse(1);
      throw error;
    }
  }

  /** Checks references in a create or update body; `existing` is undefined on create. */
  protected abstract validate(dto: Partial<CreateDto>, existing: T | undefined): Promise<void>;

  /** Extra conflicts that block deletion. */
  protected async beforeDelete(_id: string): Promise<void> {}

  private async activeProductCounts(): Promise<Map<string, number>> {
    const column = this.productColumn === 'categoryId' ? 'category_id' : 'brand_id';
    const rows: Array<{ id: string; count: string }> = await this.dataSource.query(
      `SELECT ${column} AS id, count(*) AS count FROM products WHERE is_active AND ${column} IS NOT NULL GROUP BY ${column}`,
    );
    return new Map(rows.map((r) => [r.id, Number(r.count)]));
  }

  private activeProductCount(id: string): Promise<number> {
    return this.dataSource
      .getRepository(Product)
      .count({ where: { [this.productColumn]: id, isActive: true } });
  }
}
