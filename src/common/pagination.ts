import type { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { QueryInt } from './query-transforms.js';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
/** Far past any real list, and small enough that `(page - 1) * pageSize` stays a safe offset. */
export const MAX_PAGE = 1_000_000;

export class PageQueryDto {
  @ApiPropertyOptional({
    description: 'Page number, from 1',
    minimum: 1,
    maximum: MAX_PAGE,
    default: 1,
    type: 'integer',
  })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @ApiPropertyOptional({
    description: `Items per page, 1–${MAX_PAGE_SIZE}`,
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: DEFAULT_PAGE_SIZE,
    type: 'integer',
  })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize?: number;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}

export function pageOf<T>(items: T[], total: number, page: number, pageSize: number): Page<T> {
  return {
    items,
    page,
    pageSize,
    total,
    totalPages: total === 0 ? 0 : Math.ceil(total / pageSize),
  };
}

/** `{page, pageSize}` with defaults applied, and the SQL offset. */
export function resolvePage(query: PageQueryDto): {
  page: number;
  pageSize: number;
  offset: number;
} {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
  return { page, pageSize, offset: (page - 1) * pageSize };
}

const pageClasses = new Map<Type, Type>();

/** A named OpenAPI component `<Item>Page` for a paged list of `item`. */
export function PageDto<T>(item: Type<T>): Type<Page<T>> {
  const existing = pageClasses.get(item);
  if (existing) return existing as Type<Page<T>>;
  class PageOfItems implements Page<T> {
    @ApiProperty({ type: [item] })
    items!: T[];

    @ApiProperty({ type: 'integer', example: 1 })
    page!: number;

    @ApiProperty({ type: 'integer', example: DEFAULT_PAGE_SIZE })
    pageSize!: number;

    @ApiProperty({ type: 'integer', description: 'Items across all pages' })
    total!: number;

    @ApiProperty({ type: 'integer', description: '0 when there are no items' })
    totalPages!: number;
  }
  Object.defineProperty(PageOfItems, 'name', { value: `${item.name.replace(/Dto$/, '')}Page` });
  pageClasses.set(item, PageOfItems);
  return PageOfItems;
}
