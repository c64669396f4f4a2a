import { Accounts1764140000000 } from './1764140000000-accounts.js';
import { Catalog1764140100000 } from './1764140100000-catalog.js';
import { ProductSearchPrefix1764140150000 } from './1764140150000-product-search-prefix.js';
import { Orders1764140200000 } from './1764140200000-orders.js';
import { Notifications1764140300000 } from './1764140300000-notifications.js';
import { Reviews1764140400000 } from './1764140400000-reviews.js';
import { Wishlists1764140410000 } from './1764140410000-wishlists.js';
import { Coupons1764140500000 } from './1764140500000-coupons.js';
import { GuestCarts1764140510000 } from './1764140510000-guest-carts.js';
import { Profiles1764140600000 } from './1764140600000-profiles.js';
import { Media1764140610000 } from './1764140610000-media.js';
import { OrderAdminIndexes1764140700000 } from './1764140700000-order-admin-indexes.js';
import { Variants1764140800000 } from './1764140800000-variants.js';
import { CoveringCountIndexes1764140900000 } from './1764140900000-covering-count-indexes.js';
import { ProductSearchTable1764141000000 } from './1764141000000-product-search-table.js';
import { DeletedCartLines1764141100000 } from './1764141100000-deleted-cart-lines.js';
import { ReviewCountIndex1764141200000 } from './1764141200000-review-count-index.js';
import { RetentionIndexes1764141310000 } from './1764141310000-retention-indexes.js';
import { OutboxWebhooks1764141400000 } from './1764141400000-outbox-webhooks.js';
import { AccountRecovery1764141420000 } from './1764141420000-account-recovery.js';
import { GuestOrders1764141500000 } from './1764141500000-guest-orders.js';
import { Payments1764141520000 } from './1764141520000-payments.js';
import { ProductSearchPrefixes1764141600000 } from './1764141600000-product-search-prefixes.js';

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
  Reviews1764140400000,
  Wishlists1764140410000,
  Coupons1764140500000,
  GuestCarts1764140510000,
  Profiles1764140600000,
  Media1764140610000,
  OrderAdminIndexes1764140700000,
  Variants1764140800000,
  CoveringCountIndexes1764140900000,
  ProductSearchTable1764141000000,
  DeletedCartLines1764141100000,
  ReviewCountIndex1764141200000,
  RetentionIndexes1764141310000,
  OutboxWebhooks1764141400000,
  AccountRecovery1764141420000,
  GuestOrders1764141500000,
  Payments1764141520000,
  ProductSearchPrefixes1764141600000,
];
