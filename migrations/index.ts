import { Accounts1764140000000 } from './1764140000000-accounts.js';
import { Catalog1764140100000 } from './1764140100000-catalog.js';
import { ProductSearchPrefix1764140150000 } from './1764140150000-product-search-prefix.js';
import { Orders1764140200000 } from './1764140200000-orders.js';
import { Notifications1764140300000 } from './1764140300000-notifications.js';

/**
 * Every migration, in order. Listed rather than globbed so each runner (tsc output, swc-jest,
 * ts-node) loads them through its own module loader.
 */
export const migrations = [
  Accounts1764140000000,
  Catalog1764140100000,
  ProductSearchPrefix1764140150000,
  Orders1764140200000,
  Notifications1764140300000,
];
