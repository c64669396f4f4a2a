import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './app-config.js';
import { problemsOf, scratchDataDir } from './config-spec-support.js';
import type { Env } from './env-reader.js';

describe('loadConfig: mail and account recovery', () => {
  const load = (env: Env = {}) => loadConfig({ EMBEDDED_PG_DIR: scratchDataDir(), ...env });

  it('writes emails to .data/mail with links to the local server when nothing is set', () => {
    const config = load({ PORT: '4000' });
    expect(config.mail).toEqual({
      publicUrl: 'http://localhost:4000',
      smtpUrl: undefined,
      from: 'Shop <no-reply@localhost>',
      dir: '.data/mail',
      templatesDir: undefined,
    });
    expect(config.accountRecovery).toEqual({
      passwordResetTtl: 3600,
      emailVerificationTtl: 48 * 3600,
      passwordResetRateLimit: 5,
      requireEmailVerification: false,
    });
  });

  it('reads SMTP, the sender, the public URL (without its trailing slash) and the limits', () => {
    const config = load({
      PUBLIC_URL: 'https://shop.example/',
      SMTP_URL: 'smtps://mailer:secret@smtp.example:465',
      MAIL_FROM: 'Shop & Co <orders@shop.example>',
      MAIL_DIR: '/var/mail/shop',
      MAIL_TEMPLATES_DIR: '/etc/shop/mail',
      PASSWORD_RESET_TTL: '30m',
      EMAIL_VERIFICATION_TTL: '7d',
      PASSWORD_RESET_RATE_LIMIT: '0',
      REQUIRE_EMAIL_VERIFICATION: 'true',
    });
    expect(config.mail).toEqual({
      publicUrl: 'https://shop.example',
      smtpUrl: 'smtps://mailer:secret@smtp.example:465',
      from: 'Shop & Co <orders@shop.example>',
      dir: '/var/mail/shop',
      templatesDir: '/etc/shop/mail',
    });
    expect(config.accountRecovery).toEqual({
      passwordResetTtl: 1800,
      emailVerificationTtl: 7 * 86400,
      passwordResetRateLimit: 0,
      requireEmailVerification: true,
    });
    expect(load({ MAIL_FROM: 'orders@shop.example' }).mail.from).toBe('orders@shop.example');
  });

  it.each<[string, string, RegExp]>([
    ['PUBLIC_URL', 'shop.example', /^PUBLIC_URL must be a http: or https:/],
    ['PUBLIC_URL', 'ftp://shop.example', /^PUBLIC_URL must be a http: or https:/],
    ['SMTP_URL', 'http://smtp.example', /^SMTP_URL must be a smtp: or smtps:/],
    ['MAIL_FROM', 'Shop <not an address>', /^MAIL_FROM must be an address or "Name <address>"/],
    ['MAIL_FROM', 'shop', /^MAIL_FROM must be an address/],
    ['PASSWORD_RESET_TTL', '0', /^PASSWORD_RESET_TTL must be a duration/],
    ['EMAIL_VERIFICATION_TTL', 'two days', /^EMAIL_VERIFICATION_TTL must be a duration/],
    ['PASSWORD_RESET_RATE_LIMIT', '-1', /^PASSWORD_RESET_RATE_LIMIT must be an integer from 0/],
    ['REQUIRE_EMAIL_VERIFICATION', 'maybe', /^REQUIRE_EMAIL_VERIFICATION must be true or false/],
  ])('rejects %s=%s with a message naming it', (name, value, message) => {
    expect(problemsOf({ [name]: value })).toEqual([expect.stringMatching(message)]);
  });
});

describe('loadConfig: jobs and webhooks', () => {
  const load = (env: Env = {}) => loadConfig({ EMBEDDED_PG_DIR: scratchDataDir(), ...env });

  it('runs workers and refuses private webhook targets by default, with the documented timings', () => {
    const config = load();
    expect(config.jobs).toEqual({
      workers: true,
      pollIntervalSeconds: 1,
      monitorIntervalSeconds: 30,
      concurrency: 4,
      poolSize: 5,
      schema: 'pgboss',
    });
    expect(config.webhooks).toEqual({
      allowPrivateTargets: false,
      timeoutSeconds: 15,
      maxAttempts: 25,
      retryBaseSeconds: 4,
      retryMaxDelaySeconds: 6 * 3600,
      disableAfterSeconds: 5 * 86400,
      secretRotationGraceSeconds: 86400,
    });
  });

  it('reads every JOBS_* and WEBHOOK_* variable', () => {
    const config = load({
      JOBS_WORKERS: 'false',
      JOBS_POLL_INTERVAL: '2s',
      JOBS_MONITOR_INTERVAL: '1m',
      JOBS_CONCURRENCY: '8',
      JOBS_POOL_SIZE: '3',
      JOBS_SCHEMA: 'jobs_eu',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_TIMEOUT: '30s',
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_RETRY_BASE: '10s',
      WEBHOOK_RETRY_MAX_DELAY: '1h',
      WEBHOOK_DISABLE_AFTER: '2d',
      WEBHOOK_SECRET_ROTATION_GRACE: '1h',
    });
    expect(config.jobs).toEqual({
      workers: false,
      pollIntervalSeconds: 2,
      monitorIntervalSeconds: 60,
      concurrency: 8,
      poolSize: 3,
      schema: 'jobs_eu',
    });
    expect(config.webhooks).toEqual({
      allowPrivateTargets: true,
      timeoutSeconds: 30,
      maxAttempts: 3,
      retryBaseSeconds: 10,
      retryMaxDelaySeconds: 3600,
      disableAfterSeconds: 2 * 86400,
      secretRotationGraceSeconds: 3600,
    });
  });
});
