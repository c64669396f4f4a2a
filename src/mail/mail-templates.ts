import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';

/** The emails the shop sends; each is `<name>.subject.eta`, `.txt.eta` and `.html.eta`. */
export const MAIL_TEMPLATES = [
  'order-confirmation',
  'order-status-changed',
  'password-reset',
  'email-verification',
  'password-changed',
] as const;
export type MailTemplate = (typeof MAIL_TEMPLATES)[number];

/** An order as its emails show it: amounts in minor units of `currency`. */
export interface MailOrder {
  id: string;
  number: string;
  currency: string;
  subtotal: number;
  discountAmount: number;
  shippingAmount: number;
  taxAmount: number;
  total: number;
  couponCode: string | null;
  items: Array<{ name: string; variantName: string | null; quantity: number; lineTotal: number }>;
}

/** What each template reads (`it.…`), besides the fields every email gets ({@link CommonData}). */
export interface MailTemplateData {
  'order-confirmation': { name: string; order: MailOrder; orderUrl: string };
  'order-status-changed': { name: string; title: string; message: string; orderUrl: string };
  'password-reset': { name: string; resetUrl: string; expiresIn: string };
  'email-verification': { name: string; email: string; verifyUrl: string; expiresIn: string };
  'password-changed': { name: string; changedAt: string; forgotPasswordUrl: string };
}

/** A template and what it reads. */
export type MailContent = {
  [T in MailTemplate]: { template: T; data: MailTemplateData[T] };
}[MailTemplate];

/** Given to every template: the shop's name and address, and a note for the footer. */
export interface CommonData {
  shopName: string;
  publicUrl: string;
  footer?: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * Throws unless `dir` holds every email's three templates: checked when the application starts,
 * so a build or an image without them (a missing COPY, a wrong MAIL_TEMPLATES_DIR) fails at once
 * instead of at its first email, in a background job, after the customer was promised one.
 */
export function assertTemplatesPresent(dir: string): void {
  const missing = MAIL_TEMPLATES.flatMap((name) =>
    ['subject', 'txt', 'html'].map((part) => `${name}.${part}.eta`),
  ).filter((file) => !existsSync(join(dir, file)));
  if (missing.length > 0)
    throw new Error(`email templates missing in ${dir}: ${missing.join(', ')}`);
}

/** The project's `templates/mail` (from src/mail or dist/src/mail alike). */
export function bundledTemplatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return resolve('templates/mail');
    dir = parent;
  }
  return join(dir, 'templates', 'mail');
}

/** `1234, 'USD'` → `$12.34`; `500, 'JPY'` → `¥500` (amounts are minor units). */
export function formatMoney(amount: number, currency: string): string {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency });
  return format.format(amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

/**
 * Renders the email templates (Eta) from files, so changing an email needs no code: a subject,
 * a plain-text body and an HTML body per email, with shared layouts and partials. Two engines:
 * HTML output escapes every `<%= %>`; text and subjects must not (a link's `&` would read
 * `&amp;`). Outside production templates are read on each render, so edits show at once.
 */
export class MailTemplates {
  private readonly html: Eta;
  private readonly text: Eta;

  constructor(
    readonly dir: string,
    cache: boolean,
  ) {
    this.html = new Eta({ views: dir, autoEscape: true, cache });
    this.text = new Eta({ views: dir, autoEscape: false, cache });
  }

  render({ template, data }: MailContent, common: CommonData): RenderedMail {
    const currency = 'order' in data ? data.order.currency : 'USD';
    const all = { ...data, ...common, money: (amount: number) => formatMoney(amount, currency) };
    // One line, whatever the data: a name with a line break must not reach a header.
    const subject = this.text.render(`./${template}.subject.eta`, all).replace(/\s+/g, ' ').trim();
    return {
      subject,
      text: this.text.render(`./${template}.txt.eta`, { ...all, subject }),
      html: this.html.render(`./${template}.html.eta`, { ...all, subject }),
    };
  }
}
