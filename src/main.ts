import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { loadEnvFile } from './config/load-env-file.js';
import { resolveDatabase } from './database/database.runtime.js';
import { seedDemoShop } from './database/demo-shop.js';

const SHUTDOWN_GRACE_MS = 25_000;

async function bootstrap(): Promise<void> {
  const started = performance.now();
  loadEnvFile();
  const config = loadConfig();
  const logger = new Logger('Bootstrap');
  const database = await resolveDatabase(config, (line) => logger.log(line));
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  try {
    app = await createApp({ ...config, databaseUrl: database.url });
    if (database.embedded && config.seedDemoData && config.nodeEnv !== 'production') {
      await seedDemoShop(app, config, (line) => logger.log(line));
    }
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.stop();
    throw error;
  }
  const server = app;

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing in-flight requests, then stopping`);
    const force = setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server
      .close()
      .then(() => database.stop())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error(error);
        process.exit(1);
      });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  const url = (await server.getUrl())
    .replace('[::1]', 'localhost')
    .replace('127.0.0.1', 'localhost');
  logger.log(
    `ready in ${Math.round(performance.now() - started)} ms: ${url}/api · docs ${url}/docs · health ${url}/health/ready` +
      (database.embedded ? ' (embedded PostgreSQL)' : ''),
  );
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('start-up failed:', error);
  }
  process.exit(1);
});
