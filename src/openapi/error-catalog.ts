import * as accounts from '@/accounts/accounts.errors.js';
import * as products from '@/catalog/products/products.errors.js';
import * as taxonomy from '@/catalog/taxonomy/taxonomy.errors.js';
import * as variants from '@/catalog/variants/variants.errors.js';
import * as common from '@/common/domain-error.js';
import { DomainError, type ErrorCodeSpec } from '@/common/domain-error.js';
import { HTTP_ERROR_CODES } from '@/common/http-error-codes.js';
import * as coupons from '@/coupons/coupons.errors.js';
import * as jobs from '@/jobs/jobs.errors.js';
import * as media from '@/media/media.errors.js';
import * as orders from '@/orders/orders.errors.js';
import * as profiles from '@/profiles/profiles.errors.js';
import * as reviews from '@/reviews/reviews.errors.js';
import * as webhooks from '@/webhooks/webhooks.errors.js';
import * as wishlists from '@/wishlists/wishlists.errors.js';

/** A domain error class, as its static `codes` are read (abstract ones included). */
export type ErrorClass = (abstract new (...args: never[]) => DomainError) & {
  readonly codes: Readonly<Record<string, ErrorCodeSpec>>;
};

const MODULES: Array<Record<string, unknown>> = [
  common,
  accounts,
  products,
  taxonomy,
  variants,
  coupons,
  jobs,
  media,
  orders,
  profiles,
  reviews,
  webhooks,
  wishlists,
];

/** Every domain error class of every `*.errors.ts` module (and common's), by class name. */
export const ERROR_CLASSES: ReadonlyMap<string, ErrorClass> = new Map(
  MODULES.flatMap((module) =>
    Object.values(module).filter(
      (value): value is ErrorClass =>
        typeof value === 'function' && value.prototype instanceof DomainError,
    ),
  ).map((cls) => [cls.name, cls]),
);

/** The codes a class declares itself (a subclass without its own `codes` declares none). */
export function ownCodes(cls: ErrorClass): Readonly<Record<string, ErrorCodeSpec>> {
  return Object.hasOwn(cls, 'codes') ? cls.codes : {};
}

/**
 * The closed set of codes: those the HTTP layer answers and those the error classes declare.
 * A code declared twice (SKU_TAKEN by products and variants) must agree on its status.
 */
function collectCodes(): ReadonlyMap<string, ErrorCodeSpec> {
  const codes = new Map<string, ErrorCodeSpec>(Object.entries(HTTP_ERROR_CODES));
  for (const cls of ERROR_CLASSES.values()) {
    for (const [code, spec] of Object.entries(ownCodes(cls))) {
      const known = codes.get(code);
      if (known && known.status !== spec.status)
        throw new Error(
          `Error code ${code}: ${cls.name} says ${spec.status}, else ${known.status}`,
        );
      if (!known) codes.set(code, spec);
    }
  }
  return codes;
}

export const ERROR_CODES: ReadonlyMap<string, ErrorCodeSpec> = collectCodes();

/**
 * The codes a module's error classes declare. A class typed wide (`ErrorCodes`, because its
 * subclasses add codes) contributes nothing here: its codes are in `BaseErrorCode` or
 * `HTTP_ERROR_CODES`.
 */
type CodesOf<M> = {
  [K in keyof M]: M[K] extends { readonly codes: infer C }
    ? string extends keyof C
      ? never
      : keyof C & string
    : never;
}[keyof M];

/** Every error code the API answers: the closed, typed set. */
export type ErrorCode =
  | keyof typeof HTTP_ERROR_CODES
  | common.BaseErrorCode
  | CodesOf<typeof common>
  | CodesOf<typeof accounts>
  | CodesOf<typeof products>
  | CodesOf<typeof taxonomy>
  | CodesOf<typeof variants>
  | CodesOf<typeof coupons>
  | CodesOf<typeof jobs>
  | CodesOf<typeof media>
  | CodesOf<typeof orders>
  | CodesOf<typeof profiles>
  | CodesOf<typeof reviews>
  | CodesOf<typeof webhooks>
  | CodesOf<typeof wishlists>;
