export const ORDER_STATUSES = [
  'pending',
  'confirmed',
  'processing',
  'shipped',
  'delivered',
  'refunded',
  'cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const PAYMENT_STATUSES = ['pending', 'paid', 'refunded', 'voided'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Who may make a move: the order's owner (a customer acting on their own order) or staff. */
export type Mover = 'owner' | 'staff';

interface Transition {
  from: OrderStatus;
  to: OrderStatus;
  by: readonly Mover[];
}

/** The one table of legal moves (docs/api/README.md). Anything not listed is illegal. */
export const TRANSITIONS: readonly Transition[] = [
  { from: 'pending', to: 'confirmed', by: ['staff'] },
  { from: 'confirmed', to: 'processing', by: ['staff'] },
  { from: 'processing', to: 'shipped', by: ['staff'] },
  { from: 'shipped', to: 'delivered', by: ['staff'] },
  { from: 'delivered', to: 'refunded', by: ['staff'] },
  { from: 'pending', to: 'cancelled', by: ['owner', 'staff'] },
  { from: 'confirmed', to: 'cancelled', by: ['owner', 'staff'] },
  { from: 'processing', to: 'cancelled', by: ['staff'] },
];

export const FINAL_STATUSES: readonly OrderStatus[] = ['cancelled', 'refunded'];

export type MoveCheck = { ok: true } | { ok: false; reason: 'same' | 'illegal' | 'forbidden' };

/** Whether `mover` may move an order from `from` to `to`. */
export function checkMove(from: OrderStatus, to: OrderStatus, mover: Mover): MoveCheck {
  if (from === to) return { ok: false, reason: 'same' };
  const transition = TRANSITIONS.find((t) => t.from === from && t.to === to);
  if (!transition) return { ok: false, reason: 'illegal' };
  if (!transition.by.includes(mover)) return { ok: false, reason: 'forbidden' };
  return { ok: true };
}

/** Where the next statuses an order can take, for whom (documentation and clients' buttons). */
export function nextStatuses(from: OrderStatus, mover: Mover): OrderStatus[] {
  return TRANSITIONS.filter((t) => t.from === from && t.by.includes(mover)).map((t) => t.to);
}

/**
 * Payment follows the order: pending until confirmed, then paid; refunded on refund or when a
 * paid order is cancelled; voided when an unpaid order is cancelled.
 */
export function paymentStatusAfter(to: OrderStatus, current: PaymentStatus): PaymentStatus {
  switch (to) {
    case 'pending':
      return 'pending';
    case 'confirmed':
    case 'processing':
    case 'shipped':
    case 'delivered':
      return 'paid';
    case 'refunded':
      return 'refunded';
    case 'cancelled':
      return current === 'paid' ? 'refunded' : 'voided';
  }
}

/** Whether a move gives the stock back: cancellations do (refunds of delivered goods do not). */
export const restoresStock = (to: OrderStatus): boolean => to === 'cancelled';
