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

export const PAYMENT_STATUSES = [
  'pending',
  'paid',
  'failed',
  'partially_refunded',
  'refunded',
  'voided',
] as const;
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
 * The payment status after a move. With the manual provider (`online` false) payment follows the
 * order: pending until confirmed, then paid (a refund already recorded is kept); refunded on
 * refund or when a paid order is cancelled; voided when an unpaid order is cancelled. With an
 * online provider the provider's events drive it: a move only voids an unpaid payment when the
 * order is cancelled (a paid one stays paid until staff refund it).
 */
export function paymentStatusAfter(
  to: OrderStatus,
  current: PaymentStatus,
  online = false,
): PaymentStatus {
  const unpaid = current === 'pending' || current === 'failed';
  if (online) return to === 'cancelled' && unpaid ? 'voided' : current;
  switch (to) {
    case 'pending':
      return 'pending';
    case 'confirmed':
    case 'processing':
    case 'shipped':
    case 'delivered':
      return current === 'partially_refunded' || current === 'refunded' ? current : 'paid';
    case 'refunded':
      return 'refunded';
    case 'cancelled':
      return unpaid || current === 'voided' ? 'voided' : 'refunded';
  }
}

/** Whether a move gives the stock back: cancellations do (refunds of delivered goods do not). */
export const restoresStock = (to: OrderStatus): boolean => to === 'cancelled';
