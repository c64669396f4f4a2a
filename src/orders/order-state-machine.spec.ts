import { describe, expect, it } from '@jest/globals';
import {
  checkMove,
  FINAL_STATUSES,
  nextStatuses,
  ORDER_STATUSES,
  type OrderStatus,
  paymentStatusAfter,
} from './order-state-machine.js';

const LEGAL: Record<string, { owner: boolean; staff: boolean }> = {
  'pending>confirmed': { owner: false, staff: true },
  'confirmed>processing': { owner: false, staff: true },
  'processing>shipped': { owner: false, staff: true },
  'shipped>delivered': { owner: false, staff: true },
  'delivered>refunded': { owner: false, staff: true },
  'pending>cancelled': { owner: true, staff: true },
  'confirmed>cancelled': { owner: true, staff: true },
  'processing>cancelled': { owner: false, staff: true },
};

describe('order state machine', () => {
  // Every (from, to, mover) triple: 7 × 7 × 2 = 98 cases.
  for (const from of ORDER_STATUSES) {
    for (const to of ORDER_STATUSES) {
      for (const mover of ['owner', 'staff'] as const) {
        const legal = LEGAL[`${from}>${to}`];
        const expected =
          from === to ? 'same' : !legal ? 'illegal' : legal[mover] ? 'ok' : 'forbidden';
        it(`${expected === 'ok' ? 'allows' : 'rejects'} ${from} → ${to} by ${mover} (${expected})`, () => {
          const result = checkMove(from, to, mover);
          expect(result.ok ? 'ok' : result.reason).toBe(expected);
        });
      }
    }
  }

  it('has no move out of a final status', () => {
    for (const from of FINAL_STATUSES) {
      expect(nextStatuses(from, 'staff')).toEqual([]);
      expect(nextStatuses(from, 'owner')).toEqual([]);
    }
  });

  it('lets customers only cancel, and only before processing', () => {
    const ownerMoves = ORDER_STATUSES.flatMap((from) =>
      nextStatuses(from, 'owner').map((to) => `${from}>${to}`),
    );
    expect(ownerMoves.sort()).toEqual(['confirmed>cancelled', 'pending>cancelled']);
  });

  it('derives the payment status from the order status', () => {
    const cases: Array<[OrderStatus, 'pending' | 'paid', string]> = [
      ['confirmed', 'pending', 'paid'],
      ['shipped', 'paid', 'paid'],
      ['refunded', 'paid', 'refunded'],
      ['cancelled', 'pending', 'voided'],
      ['cancelled', 'paid', 'refunded'],
    ];
    for (const [to, current, expected] of cases)
      expect(paymentStatusAfter(to, current)).toBe(expected);
  });

  it('keeps a refund recorded on a manual order through later moves, and refunds the rest on cancel', () => {
    expect(paymentStatusAfter('processing', 'partially_refunded')).toBe('partially_refunded');
    expect(paymentStatusAfter('shipped', 'refunded')).toBe('refunded');
    expect(paymentStatusAfter('cancelled', 'partially_refunded')).toBe('refunded');
    expect(paymentStatusAfter('confirmed', 'failed')).toBe('paid');
  });

  it("leaves an online provider's payment status to its events: a move only voids an unpaid payment", () => {
    expect(paymentStatusAfter('confirmed', 'pending', true)).toBe('pending');
    expect(paymentStatusAfter('delivered', 'paid', true)).toBe('paid');
    expect(paymentStatusAfter('refunded', 'paid', true)).toBe('paid');
    expect(paymentStatusAfter('cancelled', 'pending', true)).toBe('voided');
    expect(paymentStatusAfter('cancelled', 'failed', true)).toBe('voided');
    expect(paymentStatusAfter('cancelled', 'paid', true)).toBe('paid');
  });
});
