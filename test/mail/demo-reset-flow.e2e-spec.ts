import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * The newcomer's reset flow on the demo page, in headless Chromium, with no mail server: "Forgot
 * your password?", the email read in the demo's mailbox (/demo/mail), its link, a new password,
 * a log-in; then the verification link from the same mailbox. The system Chromium, as in
 * test/browser (a missing browser skips this suite loudly, and fails it in CI).
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const NEW_PASSWORD = 'Found-it-again-4';

if (!hasChromium && !process.env.CI) {
  // eslint-disable-next-line no-console
  console.warn(`\n[browser] SKIPPED test/mail/demo-reset-flow: ${CHROMIUM} is missing\n`);
}
const suite = hasChromium || process.env.CI ? describe : describe.skip;

suite('the demo page: password reset and verification through its mailbox', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let page: Page;
  const problems: string[] = [];

  /** A fresh browser profile (no session in its localStorage) on the demo page. */
  async function openDemo(): Promise<void> {
    await context?.close();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      // The page's own refused calls (a wrong password on purpose) are not problems.
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text()))
        problems.push(`console: ${message.text()}`);
    });
    await page.goto(`${t.baseUrl}/demo`);
    await page.locator('html[data-ready="true"]').waitFor();
  }

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
    t = await createTestApp({ MAIL_DIR: mkdtempSync(join(tmpdir(), 'shop-demo-mail-')) });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  /**
   * Opens the newest email to `to` whose subject matches in /demo/mail and answers its link to `path`,
   * on this server (the email's links use PUBLIC_URL, which defaults to port 3000).
   */
  async function linkFromMailbox(to: string, subject: RegExp, path: string): Promise<string> {
    await page.goto(`${t.baseUrl}/demo/mail`);
    const item = page
      .locator(`[data-testid="mail-item"][data-to="${to}"]`)
      .filter({ hasText: subject })
      .first();
    for (let tries = 0; !(await item.isVisible()); tries++) {
      if (tries > 100) throw new Error(`no email ${subject} in the mailbox`);
      await page.waitForTimeout(200);
      await page.locator('#mail-refresh').click();
    }
    await item.click();
    await page.getByTestId('mail-subject').filter({ hasText: subject }).waitFor();
    const href = await page
      .getByTestId('mail-link')
      .filter({ hasText: path })
      .first()
      .getAttribute('href');
    const link = new URL(href ?? '');
    return `${t.baseUrl}${link.pathname}${link.search}`;
  }

  it('resets a forgotten password from the page and its mailbox alone', async () => {
    const user = await t.createUser({ name: 'Forgetful' });
    await openDemo();
    await page.getByTestId('tab-account').click();
    await page.getByTestId('forgot-email').fill(user.email);
    await page.getByTestId('forgot-submit').click();
    await page.getByTestId('forgot-notice').filter({ hasText: user.email }).waitFor();
    await page.getByTestId('mailbox-link').waitFor();

    await page.goto(await linkFromMailbox(user.email, /^Reset your/, '/reset-password'));
    await page.getByTestId('view-reset').waitFor();
    await page.getByTestId('reset-password').fill(NEW_PASSWORD);
    await page.getByTestId('reset-submit').click();
    await page.getByTestId('page-notice').filter({ hasText: 'password was changed' }).waitFor();
    expect(new URL(page.url()).search).toBe(''); // the token left the address bar

    await page.getByTestId('login-email').fill(user.email);
    await page.getByTestId('login-password').fill(NEW_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('whoami').filter({ hasText: user.email }).waitFor();
    // Opening the reset link proved the address: no reminder to verify it.
    expect(await page.getByTestId('verify-reminder').isVisible()).toBe(false);
    expect(problems).toEqual([]);
  });

  it('reminds an unverified user, and the emailed link verifies the address', async () => {
    const user = await t.createUser({ name: 'Newcomer' });
    await openDemo();
    await page.getByTestId('tab-account').click();
    await page.getByTestId('login-email').fill(user.email);
    await page.getByTestId('login-password').fill(user.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('verify-reminder').filter({ hasText: 'not verified' }).waitFor();

    await page.goto(
      await linkFromMailbox(user.email, /^Confirm your email address/, '/verify-email'),
    );
    await page.getByTestId('page-notice').filter({ hasText: 'verified' }).waitFor();
    await page.getByTestId('verify-reminder').waitFor({ state: 'hidden' });
    const me = await t.http.get('/api/me').set('Authorization', user.auth).expect(200);
    expect(me.body.emailVerified).toBe(true);
    expect(problems).toEqual([]);
  });
});
