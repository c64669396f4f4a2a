import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Category } from './category.entity.js';
import type { CreateCategoryDto } from './dto/category.dto.js';
import {
  CategoryCycleError,
  CategoryHasChildrenError,
  CategoryInUseError,
  UnknownReferenceError,
} from './taxonomy.errors.js';
import { TaxonomyService } from './taxonomy.service.js';

@Injectable()
export class CategoriesService extends TaxonomyService<Category, CreateCategoryDto> {
  constructor(dataSource: DataSource) {
    super(dataSource, Category, 'Category', 'categoryId', (n) => new CategoryInUseError(n));
  }

  /** The parent must exist and must not be the category itself or one of its descendants. */
  protected async validate(
    dto: Partial<CreateCategoryDto>,
    existing: Category | undefined,
  ): Promise<void> {
    if (!dto.parentId) return;
    if (existing && dto.parentId === existing.id) throw new CategoryCycleError();
    const ancestors: Array<{ id: string }> = await this.dataSource.query(
      `WITH RECURSIVE up AS (
         SELECT id, parent_id, 1 AS depth FROM categories WHERE id = $1
         UNION ALL
         SELECT c.id, c.parent_id, up.depth + 1 FROM categories c JOIN up ON c.id = up.parent_id WHERE up.depth < 100
       ) SELECT id FROM up`,
      [dto.parentId],
    );
    if (ancestors.length === 0) throw new UnknownReferenceError('parentId');
    if (existing && ancestors.some((a) => a.id === existing.id)) throw new CategoryCycleError();
  }

  protected override async beforeDelete(id: string): Promise<void> {
    if (await this.repo.exists({ where: { parentId: id } })) throw new CategoryHasChildrenError();
  }
}
