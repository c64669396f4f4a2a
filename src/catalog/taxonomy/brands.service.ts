import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Brand } from './brand.entity.js';
import type { CreateBrandDto } from './dto/brand.dto.js';
import { BrandInUseError } from './taxonomy.errors.js';
import { TaxonomyService } from './taxonomy.service.js';

@Injectable()
export class BrandsService extends TaxonomyService<Brand, CreateBrandDto> {
  constructor(dataSource: DataSource) {
    super(dataSource, Brand, 'Brand', 'brandId', (n) => new BrandInUseError(n));
  }

  protected validate(): Promise<void> {
    return Promise.resolve();
  }
}
