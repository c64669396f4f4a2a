import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@/config/app-config.js';
import { APP_CONFIG } from '@/config/config.module.js';
import { registerDevMailbox } from '@/mail/dev-mailbox.routes.js';
import { MAIL_TRANSPORT, type MailTransport } from '@/mail/mail-transport.js';

const SOCKET_IO_CLIENT_FILES = new Set(['/socket.io.min.js', '/socket.io.min.js.map']);

/** The project root: the nearest folder above this file with a package.json (src/ or dist/src/). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/**
 * The folder holding the browser build of the Socket.IO client: the `socket.io-client` package
 * (a dev dependency), else the copy the `socket.io` server package ships (production installs).
 */
function socketIoClientDist(root: string): string | undefined {
  const require = createRequire(join(root, 'package.json'));
  const candidates: Array<() => string> = [
    () => join(dirname(require.resolve('socket.io-client/package.json')), 'dist'),
    () => join(dirname(require.resolve('socket.io/package.json')), 'client-dist'),
  ];
  for (const candidate of candidates) {
    try {
      const dir = candidate();
      if (existsSync(join(dir, 'socket.io.min.js'))) return dir;
    } catch {
      // not installed: try the next one
    }
  }
  return undefined;
}

/**
 * Serves the live demo page (public/demo/) at `/demo`, and the Socket.IO browser client at
 * `/demo/vendor/socket.io.min.js`. `decorateReply: false`: Swagger UI registers the plugin too.
 * Called only when DEMO_ENABLED (off by default in production); otherwise `/demo` is a 404.
 * The page also answers the links of emails (`/reset-password`, `/verify-email`, `/orders/:id`,
 * under PUBLIC_URL, which defaults to this server), and with the file mailbox (SMTP_URL unset,
 * not in production) lists every email sent at `/demo/mail`.
 */
export async function registerDemoPage(app: NestFastifyApplication): Promise<void> {
  const root = projectRoot();
  const demoDir = join(root, 'public', 'demo');
  if (!existsSync(join(demoDir, 'index.html'))) return;
  const fastify = app.getHttpAdapter().getInstance();
  // `/demo` itself (the router ignores trailing slashes, so `/demo/` too): the page's URLs are
  // absolute, so it works from either address.
  for (const path of ['/demo', '/reset-password', '/verify-email', '/orders/:id'])
    fastify.get(path, async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(await readFile(join(demoDir, 'index.html'))),
    );
  const config = app.get<typeof APP_CONFIG, AppConfig>(APP_CONFIG);
  registerDevMailbox(fastify, app.get<symbol, MailTransport>(MAIL_TRANSPORT, { strict: false }), {
    production: config.nodeEnv === 'production',
    page: () => readFile(join(demoDir, 'mail.html')),
  });
  await app.register(fastifyStatic, {
    root: demoDir,
    prefix: '/demo/',
    decorateReply: false,
    index: ['index.html'],
    list: false,
    dotfiles: 'deny',
  });
  const clientDir = socketIoClientDist(root);
  if (clientDir) {
    await app.register(fastifyStatic, {
      root: clientDir,
      prefix: '/demo/vendor/',
      decorateReply: false,
      list: false,
      allowedPath: (pathName) => SOCKET_IO_CLIENT_FILES.has(pathName),
    });
  }
}
