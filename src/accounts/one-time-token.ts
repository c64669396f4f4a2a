import { createHash, randomBytes } from 'node:crypto';

/**
 * The secret of an emailed link (password reset, email verification): 256 random bits,
 * base64url (43 characters, URL-safe). Unguessable, so a plain SHA-256 is enough to store it:
 * no salt or slow hash is needed against a dictionary that cannot exist.
 */
export const newOneTimeToken = (): string => randomBytes(32).toString('base64url');

export const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();

/** What {@link newOneTimeToken} makes: anything else is refused without a database lookup. */
export const isWellFormedToken = (token: string): boolean => /^[\w-]{43}$/.test(token);
