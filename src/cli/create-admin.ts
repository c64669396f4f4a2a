import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { UsersService } from '@/accounts/users.service.js';
import { AppModule } from '@/app.module.js';
import { ConfigError, loadConfig } from '@/config/app-config.js';
import { loadEnvFile } from '@/config/load-env-file.js';
import { resolveDatabase } from '@/database/database.runtime.js';
import { DomainError } from '@/common/domain-error.js';

const USAGE = 'usage: npm run create-admin -- --email EMAIL --password PASSWORD';

/**
 * Creates the first admin, or promotes an existing user. No prompts; exit codes: 0 created,
 * promoted or already an admin; 1 failure (bad password, database unreachable); 2 usage.
 */
async function main(): Promise<number> {
  let values: { email?: string; password?: string };
  try {
    ({ values } = parseArgs({
      options: { email: { type: 'string' }, password: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.email || !values.password) {
    console.error(USAGE);
    return 2;
  }
  loadEnvFile();
  const config = loadConfig();
  const database = await resolveDatabase(config, () => undefined);
  try {
    const app = await NestFactory.createApplicationContext(
      AppModule.forRoot({ ...config, databaseUrl: database.url }),
      {
        logger: ['error'],
      },
    );
    try {
      const outcome = await app.get(UsersService).ensureAdmin(values.email.trim(), values.password);
      const messages = {
        created: `admin ${values.email} created`,
        promoted: `existing user ${values.email} promoted to admin (password unchanged)`,
        unchanged: `${values.email} is already an admin (password unchanged)`,
      };
      console.log(messages[outcome]);
      return 0;
    } finally {
      await app.close();
    }
  } finally {
    await database.stop();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    if (error instanceof ConfigError || error instanceof DomainError) console.error(error.message);
    else console.error(`create-admin failed: ${(error as Error).message ?? String(error)}`);
    new Logger('create-admin').debug(error);
    process.exit(1);
  });
