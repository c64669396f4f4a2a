import { RefreshToken } from '@/accounts/refresh-token.entity.js';
import { User } from '@/accounts/user.entity.js';
import { Brand } from '@/catalog/brand.entity.js';
import { Category } from '@/catalog/category.entity.js';
import { Product } from '@/catalog/product.entity.js';

/** Every entity, for the data source shared by the app, the CLIs and the TypeORM CLI. */
export const entities = [User, RefreshToken, Category, Brand, Product];
