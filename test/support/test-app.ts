import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import supertest from 'supertest';
import { DataSource } from 'typeorm';
import type { Role } from '@/accounts/user.entity.js';
import { createApp } from '@/app.factory.js';
import { loadConfig } from '@/config/app-config.js';
import { Contract, type ObservedResponse } from './contract.js';
import { migrateOnce } from './migrate-once.js';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  name: string;
  role: Role;
  accessToken: string;
  refreshToken: string;
  /** `Authorization` header value. */
  auth: string;
}

type SuperTest = ReturnType<typeof supertest>;

/**
 * supertest whose every response is checked against openapi.json (contract.ts) when it arrives:
 * a mismatch fails that request (after the request's own `.expect`s) with the validator's text.
 */
export type ContractCheckedHttp = SuperTest & {
  /**
   * The same client without the contract check, for a request that must send or receive what no
   * API client would (raw protocol garbage): `reason` says why, in one line.
   */
  unchecked(reason: string): SuperTest;
};

export interface TestApp {
  app: NestFastifyApplication;
  /** supertest against the running server; responses are validated against openapi.json. */
  http: ContractCheckedHttp;
  baseUrl: string;
  dataSource: DataSource;
  /** Registers a user (role set directly in the database), logged in with that role. */
  createUser(options?: {
    role?: Role;
    password?: string;
    email?: string;
    name?: string;
  }): Promise<TestUser>;
  close(): Promise<void>;
}

export const uniqueEmail = (prefix = 'user'): string =>
  `${prefix}-${randomUUID().slice(0, 12)}@example.test`;
export const STRONG_PASSWORD = 'Str0ng-enough-pass';
/** The test apps' signing secret (set explicitly, so no test writes a local secret file). */
export const TEST_JWT_SECRET = `test-secret-${randomBytes(24).toString('hex')}`;
/**
 * A client address of its own, sent as X-Forwarded-For to an app with TRUST_PROXY on: rate-limit
 * budgets live in Redis for a minute, shared by every app of every run, so each case needs one.
 */
export const freshIp = (): string => `10.${[...randomBytes(3)].join('.')}`;

/**
 * This test file's job-engine schema (Jest loads this module once per test file): apps of other
 * files running at the same time on the run's database never take its jobs (webhook deliveries,
 * emails), nor it theirs, and queue settings (retries, attempts) stay the file's own.
 */
export const JOBS_SCHEMA = `pgboss_test_${randomBytes(4).toString('hex')}`;

/** openapi.json, compiled once per test file (Jest loads this module once per file). */
let contract: Contract | undefined;

/** The pieces of supertest's Test the check hooks into (its assertion list runs in `end`). */
interface HookableTest {
  method: string;
  url: string;
  _asserts: Array<(res: ObservedResponse) => void>;
  end(fn?: unknown): unknown;
}

/**
 * Wraps `supertest(baseUrl)`: each request gets one more assertion, added when the request is
 * sent (so it runs after the test's own `.expect`s and also when a test only awaits it), that
 * validates the response. The error's stack is the line that made the request.
 */
/** openapi.json as the e2e suites check it (compiled once per test file). */
export function theContract(): Contract {
  contract ??= Contract.load();
  return contract;
}

function contractChecked(baseUrl: string): ContractCheckedHttp {
  const raw = supertest(baseUrl);
  const checked = theContract();
  const watch = <T>(test: T): T => {
    const hookable = test as unknown as HookableTest;
    const madeAt = new Error('made at').stack?.split('\n').slice(3).join('\n') ?? '';
    const end = hookable.end.bind(hookable);
    let hooked = false;
    hookable.end = (fn?: unknown) => {
      if (!hooked) {
        hooked = true;
        const path = hookable.url.startsWith(baseUrl)
          ? hookable.url.slice(baseUrl.length)
          : new URL(hookable.url).pathname;
        hookable._asserts.push((res) => {
          try {
            checked.check(hookable.method, path, res);
          } catch (error) {
            if (error instanceof Error) error.stack = `${error.name}: ${error.message}\n${madeAt}`;
            throw error;
          }
        });
      }
      return end(fn);
    };
    return test;
  };
  const wrapped = Object.fromEntries(
    Object.entries(raw).map(([method, make]) => [
      method,
      (url: string) => watch((make as (url: string) => unknown)(url)),
    ]),
  ) as unknown as SuperTest;
  return Object.assign(wrapped, { unchecked: (_reason: string) => raw });
}

/**
 * The real application on the run's test database, listening on a free port.
 * `env` overrides environment variables for this app only (e.g. `AUTH_RATE_LIMIT`; it and
 * `GUEST_CART_RATE_LIMIT`, `RATE_LIMIT`, `UPLOAD_RATE_LIMIT`, `PASSWORD_RESET_RATE_LIMIT` are 0,
 * off, and scheduled retention is off, unless a test sets them; emails go to a file mailbox in a
 * temporary directory of the run, `MAIL_DIR`, unless a test sets `SMTP_URL`).
 */
export async function createTestApp(
  env: Record<string, string | undefined> = {},
): Promise<TestApp> {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl)
    throw new Error('TEST_DATABASE_URL is unset: run e2e tests through jest (global setup)');
  await migrateOnce(databaseUrl);
  return createTestAppOn(databaseUrl, env);
}

/**
 * {@link createTestApp} on `databaseUrl`, already migrated: the fault suites' own databases
 * (test/faults), which they stop and restart.
 */
export async function createTestAppOn(
  databaseUrl: string,
  env: Record<string, string | undefined> = {},
): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    AUTH_RATE_LIMIT: '0',
    GUEST_CART_RATE_LIMIT: '0',
    RATE_LIMIT: '0',
    UPLOAD_RATE_LIMIT: '0',
    RETENTION_INTERVAL: '0',
    // No test writes into the project's .data/mail; one file mailbox per run's database.
    MAIL_DIR: join(tmpdir(), `shop-api-test-mail-${new URL(databaseUrl).pathname.slice(1)}`),
    PASSWORD_RESET_RATE_LIMIT: '0',
    // Jobs and webhooks at test speed: retries after 1–2 s, a crashed job back within seconds.
    // A job engine per test file: its apps run only its own jobs, with its own settings.
    JOBS_SCHEMA,
    JOBS_POLL_INTERVAL: '1s',
    JOBS_MONITOR_INTERVAL: '2s',
    WEBHOOK_RETRY_BASE: '1s',
    WEBHOOK_TIMEOUT: '3s',
    JWT_SECRET: TEST_JWT_SECRET,
    // scrypt at N=2^10 (about 3 ms a hash instead of 110): thousands of users are registered
    // and signed in per run. The hashing itself is the production code; only its cost differs
    // (production refuses a cost below 15, so an app started as production keeps the default).
    PASSWORD_HASH_COST: env.NODE_ENV === 'production' ? undefined : '10',
    REDIS_URL: process.env.REDIS_URL,
    ...env,
    DATABASE_URL: databaseUrl,
  });
  const app = await createApp({ ...config, databaseUrl, port: 0, host: '127.0.0.1' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = await app.getUrl();
  const http = contractChecked(baseUrl);
  const dataSource = app.get(DataSource);

  const createUser: TestApp['createUser'] = async (options = {}) => {
    const email = options.email ?? uniqueEmail(options.role ?? 'customer');
    const password = options.password ?? STRONG_PASSWORD;
    const name = options.name ?? 'Test User';
    const registered = await http
      .post('/api/auth/register')
      .send({ email, password, name })
      .expect(201);
    const id = (registered.body as { user: { id: string } }).user.id;
    const role = options.role ?? 'customer';
    let session = registered.body as { accessToken: string; refreshToken: string };
    if (role !== 'customer') {
      await dataSource.query('UPDATE users SET role = $1 WHERE id = $2', [role, id]);
      session = (await http.post('/api/auth/login').send({ email, password }).expect(200))
        .body as typeof session;
    }
    return { id, email, password, name, role, ...session, auth: `Bearer ${session.accessToken}` };
  };

  return { app, http, baseUrl, dataSource, createUser, close: () => app.close() };
}
