/**
 * Integers beyond 32 bits for the API fuzzer: the values that overflow a PostgreSQL `integer`
 * (2^31), a `bigint` (2^63), a double's exact range (2^53) or JavaScript's plain number notation
 * (1e21), as JSON numbers, as strings, and just past a schema's declared `maximum`.
 *
 * `JSON.stringify` writes only doubles, so 2^53 + 1 or thirty nines could not be sent as the digits
 * a client types; a `JsonNumber` is written as its exact text (see `toJson`).
 */
import fc from 'fast-check';

const MARK = '\u2063json-number\u2063';
const MARKED = new RegExp(`"${MARK}(-?[0-9][0-9.eE+-]*)${MARK}"`, 'g');

/** A JSON number written as exactly `text` (digits a double cannot hold). */
export class JsonNumber {
  constructor(readonly text: string) {}

  toJSON(): string {
    return `${MARK}${this.text}${MARK}`;
  }

  toString(): string {
    return this.text;
  }
}

/** `JSON.stringify`, except that each `JsonNumber` is written as its digits. */
export function toJson(value: unknown): string | undefined {
  return JSON.stringify(value)?.replace(MARKED, '$1');
}

/** The integers where 32-bit, 64-bit and double arithmetic break, as JSON numbers. */
export const BIG_INTEGERS: ReadonlyArray<number | JsonNumber> = [
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32,
  -(2 ** 32),
  2 ** 53 - 1,
  -(2 ** 53 - 1),
  new JsonNumber('9007199254740993'), // 2^53 + 1: rounds to 2^53 in a double
  new JsonNumber('9223372036854775807'), // 2^63 - 1
  new JsonNumber('9223372036854775808'),
  new JsonNumber('-9223372036854775809'),
  new JsonNumber('18446744073709551616'), // 2^64
  1e21, // the first integer JavaScript writes as 1e+21
  new JsonNumber('9'.repeat(30)),
  new JsonNumber(`-${'9'.repeat(30)}`),
];

/** The text of an integer: what a query string, a path or a form part carries. */
const asDigits = (n: number | JsonNumber): string =>
  typeof n === 'number' ? (Number.isSafeInteger(n) ? String(n) : BigInt(n).toString()) : n.text;

/** The same integers as query, path and form text: digits, and the notations clients also send. */
export const BIG_INTEGER_TEXTS: readonly string[] = [
  ...BIG_INTEGERS.map(asDigits),
  '1e21',
  '1e+21',
  '2147483648.0',
  '0002147483648',
  '+2147483648',
];

/** An integer of 33 to 128 bits, either sign. */
const wideInteger = (): fc.Arbitrary<bigint> =>
  fc
    .tuple(fc.integer({ min: 32, max: 127 }), fc.bigInt({ min: 0n, max: 2n ** 127n }), fc.boolean())
    .map(([bits, r, negative]) => {
      const n = 2n ** BigInt(bits) + (r % 2n ** BigInt(bits));
      return negative ? -n : n;
    });

const asNumber = (n: bigint): number | JsonNumber =>
  n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(n)
    : new JsonNumber(n.toString());

/**
 * An integer past 32 bits, or past a declared `maximum` (`maximum + 1`, double, beyond 2^53), as a
 * JSON number.
 */
export function bigIntegerValue(maximum?: number): fc.Arbitrary<number | JsonNumber> {
  const max = maximum === undefined ? undefined : Math.trunc(maximum);
  const past: Array<number | JsonNumber> =
    max === undefined ? [] : [max + 1, max * 2 + 1, asNumber(BigInt(max) + 2n ** 53n)];
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...BIG_INTEGERS, ...past) },
    { weight: 2, arbitrary: wideInteger().map(asNumber) },
  );
}

/** The same as `bigIntegerValue`, as text: for query and path parameters and form parts. */
export function bigIntegerText(maximum?: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: bigIntegerValue(maximum).map(asDigits) },
    { weight: 1, arbitrary: fc.constantFrom(...BIG_INTEGER_TEXTS) },
  );
}

/** A big integer as a JSON number or as a string of digits (clients send both). */
export function bigIntegerField(maximum?: number): fc.Arbitrary<number | JsonNumber | string> {
  return fc.oneof(
    { weight: 3, arbitrary: bigIntegerValue(maximum) },
    { weight: 1, arbitrary: bigIntegerText(maximum) },
  );
}

const INT32_MAX = 2n ** 31n - 1n;
/** Numbers standing alone in text (not part of a word, a UUID or a longer number). */
const NUMBER = /(?<![\w.-])-?(\d+)(?:\.\d+)?(?:e\+?(\d+))?(?![\w-])/gi;

/** Whether `text` (a request's URL and body) carries an integer beyond 32 bits. */
export function carriesBigInteger(text: string): boolean {
  for (const [, digits = '', exponent] of text.matchAll(NUMBER)) {
    if (exponent !== undefined ? Number(exponent) + digits.length > 10 : BigInt(digits) > INT32_MAX)
      return true;
  }
  return false;
}
