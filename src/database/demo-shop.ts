import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EmailTakenError } from '@/accounts/accounts.errors.js';
import { UsersService } from '@/accounts/users.service.js';
import { CatalogCache, seedDemoCatalog } from '@/catalog/index.js';
import type { AppConfig } from '@/config/app-config.js';

export const DEMO_PRODUCTS = 240;
export const DEMO_ACCOUNTS = [
  { email: 'admin@demo.shop', password: 'demo-admin-pass-1', name: 'Demo Admin', role: 'admin' },
  { email: 'staff@demo.shop', password: 'demo-staff-pass-1', name: 'Demo Staff', role: 'staff' },
  {
    email: 'shopper@demo.shop',
    password: 'demo-shopper-pass-1',
    name: 'Demo Shopper',
    role: 'customer',
  },
] as const;

/**
 * The embedded database's first start: a small demo catalog and three demo accounts, so a
 * newcomer sees a working shop at once. Never runs on a `DATABASE_URL` database.
 */
export async function seedDemoShop(
  app: INestApplicationContext,
  config: AppConfig,
  log: (line: string) => void,
): Promise<void> {
  const db = app.get(DataSource);
  const [{ count }] = await db.query<[{ count: number }]>(
    'SELECT count(*)::int AS count FROM products',
  );
  if (count > 0) return;
  const inserted = await seedDemoCatalog(db, DEMO_PRODUCTS, config.currency);
  // A Redis kept from an earlier data folder may hold that shop's catalog at these generations.
  await app.get(CatalogCache).bump('bulkImport');
  const users = app.get(UsersService);
  for (const account of DEMO_ACCOUNTS) {
    // Verified: nobody reads @demo.shop mail, and the shop works with REQUIRE_EMAIL_VERIFICATION.
    await users.create({ ...account, emailVerified: true }).catch((error: unknown) => {
      if (!(error instanceof EmailTakenError)) throw error;
    });
  }
  // The accounts and their passwords are in the banner logged once the server is ready.
  log(`seeded a demo shop: ${inserted} products, ${DEMO_ACCOUNTS.length} demo accounts`);
}
