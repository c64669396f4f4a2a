import { createHash, createHmac } from 'node:crypto';

/**
 * A guest order's token: HMAC-SHA256 keyed with the guest's cart token over the order's id,
 * base64url (43 characters, 256 bits). Only its SHA-256 is stored (`orders.guest_token_hash`),
 * and the cart token only as its SHA-256 too, so neither a database copy nor anything kept for
 * replays holds a working token: a replayed guest checkout (same cart token and
 * Idempotency-Key) computes the same token again from the cart token the request carries.
 */
export const orderTokenOf = (cartToken: string, orderId: string): string =>
  createHmac('sha256', cartToken).update(`guest-order:${orderId}`).digest('base64url');

/** What is stored of an order token (hex SHA-256), and what a presented one is compared by. */
export const hashOrderToken = (token: string): string =>
  createHash('sha256').update(token).digest('hex');

/** A token this API could have issued: anything else is answered without a query. */
export const isWellFormedOrderToken = (token: string): boolean => /^[\w-]{43}$/.test(token);
