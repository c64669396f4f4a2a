import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { humanDuration } from './mail-composer.js';
import {
  assertTemplatesPresent,
  bundledTemplatesDir,
  formatMoney,
  MAIL_TEMPLATES,
  type MailContent,
  MailTemplates,
} from './mail-templates.js';
import { shopNameOf } from './mail.service.js';

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const HOSTILE = 'Ada <script>alert(1)</script> & "Co"';
const LINK = 'https://shop.example/reset-password?token=abc&x=1';
const ORDER = {
  id: '00000000-0000-4000-8000-000000000001',
  number: '100042',
  status: 'confirmed' as const,
  currency: 'EUR',
  subtotal: 4200,
  discountAmount: 420,
  shippingAmount: 0,
  taxAmount: 378,
  total: 4158,
  couponCode: 'TEN',
  items: [{ name: HOSTILE, variantName: 'Blue / L', quantity: 2, lineTotal: 4200 }],
};

/** Sample data for every template: a typo in one fails here, not in a customer's inbox. */
const SAMPLES: { [T in MailContent['template']]: Extract<MailContent, { template: T }>['data'] } = {
  'order-confirmation': { name: HOSTILE, order: ORDER, orderUrl: LINK },
  'order-status-changed': {
    name: HOSTILE,
    title: `Order #100042 confirmed ${HOSTILE}`,
    message: 'Order #100042 is confirmed.',
    orderUrl: LINK,
  },
  'password-reset': { name: HOSTILE, resetUrl: LINK, expiresIn: '1 hour' },
  'email-verification': {
    name: HOSTILE,
    email: 'ada@example.com',
    verifyUrl: LINK,
    expiresIn: '2 days',
  },
  'password-changed': {
    name: HOSTILE,
    changedAt: '7 December 2026 at 07:05 UTC',
    forgotPasswordUrl: LINK,
  },
};
const COMMON = { shopName: 'Shop & Co', publicUrl: 'https://shop.example', footer: 'Footer note' };

describe('mail templates', () => {
  const templates = new MailTemplates(bundledTemplatesDir(), false);
  const render = (template: MailContent['template']) =>
    templates.render({ template, data: SAMPLES[template] } as MailContent, COMMON);

  it.each(MAIL_TEMPLATES)('renders %s: a one-line subject, text and HTML', (template) => {
    const mail = render(template);
    expect(mail.subject).toMatch(/^\S.*\S$/);
    expect(mail.subject).not.toMatch(/\n/);
    expect(mail.text).toContain('Hello Ada');
    expect(mail.text).toContain('Shop & Co · https://shop.example');
    expect(mail.text).toContain('Footer note');
    expect(mail.html).toMatch(/^<!doctype html>/);
    expect(mail.html).toContain(`<title>${escapeHtml(mail.subject)}</title>`);
  });

  it.each(MAIL_TEMPLATES)('escapes data in the HTML of %s, not in its text', (template) => {
    const mail = render(template);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('Ada &lt;script&gt;');
    expect(mail.text).toContain(HOSTILE);
    expect(mail.text).toContain(LINK);
    expect(mail.html).toContain(LINK.replace('&', '&amp;'));
  });

  it('lists the order lines and totals in the shop currency', () => {
    const mail = render('order-confirmation');
    expect(mail.subject).toBe('Your Shop & Co order #100042');
    expect(mail.text).toMatch(/2 × Ada .* \(Blue \/ L\) +€42\.00/);
    expect(mail.text).toMatch(/Discount \(TEN\) +-€4\.20/);
    expect(mail.text).toMatch(/Shipping +free/);
    expect(mail.text).toMatch(/Tax +€3\.78/);
    expect(mail.text).toMatch(/Total +€41\.58/);
  });

  it('finds every email complete in the bundled directory, and names what a directory lacks', () => {
    expect(() => assertTemplatesPresent(bundledTemplatesDir())).not.toThrow();
    const dir = mkdtempSync(join(tmpdir(), 'shop-mail-templates-'));
    for (const part of ['subject', 'txt', 'html'])
      writeFileSync(join(dir, `password-reset.${part}.eta`), part);
    expect(() => assertTemplatesPresent(dir)).toThrow(
      `email templates missing in ${dir}: order-confirmation.subject.eta, order-confirmation.txt.eta`,
    );
  });

  it('reads templates from MAIL_TEMPLATES_DIR: an operator changes an email without a build', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shop-mail-templates-'));
    for (const part of ['subject', 'txt', 'html'])
      writeFileSync(join(dir, `password-reset.${part}.eta`), `${part}: <%= it.resetUrl %>`);
    const mail = new MailTemplates(dir, false).render(
      { template: 'password-reset', data: SAMPLES['password-reset'] },
      COMMON,
    );
    expect(mail).toEqual({
      subject: `subject: ${LINK}`,
      text: `txt: ${LINK}`,
      html: `html: ${LINK.replace('&', '&amp;')}`,
    });
  });
});

describe('mail helpers', () => {
  it.each([
    [1234, 'USD', '$12.34'],
    [500, 'JPY', '¥500'],
    [4158, 'EUR', '€41.58'],
  ])('formats %i %s as %s', (amount, currency, text) => {
    expect(formatMoney(amount, currency)).toBe(text);
  });

  it.each([
    [3600, '1 hour'],
    [172_800, '2 days'],
    [5400, '90 minutes'],
    [45, '45 seconds'],
  ])('says %i seconds as %s', (seconds, text) => {
    expect(humanDuration(seconds)).toBe(text);
  });

  it.each([
    ['Shop <no-reply@localhost>', 'Shop'],
    ['"Shop & Co" <orders@shop.example>', 'Shop & Co'],
    ['orders@shop.example', 'Shop'],
  ])('names the shop after the sender %s', (from, name) => {
    expect(shopNameOf(from)).toBe(name);
  });
});
