import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { type RunningServer, startServer } from './bootstrap.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { loadEnvFile } from './config/load-env-file.js';
import { DEMO_ACCOUNTS } from './database/demo-shop.js';
import { installProcessLogger } from './observability/logger.js';
import { startBanner } from './observability/start-banner.js';

/** What the embedded PostgreSQL gets to stop once the grace is spent (a fast shutdown takes ~1 s). */
const DATABASE_STOP_BOUND_MS = 1_500;

/**
 * SIGTERM/SIGINT/SIGHUP: in-flight requests finish, then the process exits 0. Past `graceMs` it exits 1
 * instead (after stopping the embedded PostgreSQL, which would outlive it), before the
 * orchestrator's SIGKILL: the 8 s default fits Docker's 10 s stop timeout.
 */
function stopOnSignals(server: RunningServer, graceMs: number, logger: Logger): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing in-flight requests (at most ${graceMs} ms), then stopping`);
    const force = setTimeout(() => {
      logger.error(`shutdown took longer than SHUTDOWN_GRACE (${graceMs} ms): exiting`);
      const bound = new Promise((resolve) => setTimeout(resolve, DATABASE_STOP_BOUND_MS));
      void Promise.race([server.stopDatabase(), bound])
        .catch(() => undefined)
        .finally(() => process.exit(1));
    }, graceMs);
    force.unref();
    server
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error(error);
        process.exit(1);
      });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  // A closed terminal: stop as cleanly, or the embedded PostgreSQL outlives the app.
  process.once('SIGHUP', shutdown);
}

async function main(): Promise<void> {
  const started = performance.now();
  loadEnvFile();
  const config = loadConfig();
  const format = installProcessLogger(config);
  const logger = new Logger('Bootstrap');
  const server = await startServer(config, { releaseStartupMemory: true });
  stopOnSignals(server, config.shutdownGraceMs, logger);
  // Asked of the router rather than the config: the demo page also needs public/demo/ on disk.
  const fastify = server.app.getHttpAdapter().getInstance();
  const serves = (url: string): boolean => fastify.hasRoute({ method: 'GET', url });
  logger.log(
    startBanner(
      {
        url: server.url,
        readyInMs: performance.now() - started,
        embedded: server.embedded,
        servesDocs: serves('/docs'),
        servesDemo: serves('/demo'),
        demoAccounts: server.demoShop ? DEMO_ACCOUNTS : [],
      },
      format,
    ),
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    // No logger yet (its format is configuration too): the list of problems, as text.
    console.error(error.message);
  } else {
    new Logger('Bootstrap').error({ err: error, msg: 'start-up failed' });
  }
  process.exit(1);
});
