import { describe, expect, it } from '@jest/globals';
import { createdRange, parseOrderDateBound } from './order-list-filters.js';

const iso = (value: string, edge: 'start' | 'end' = 'start'): string | undefined =>
  parseOrderDateBound(value, edge)?.toISOString();

describe('parseOrderDateBound', () => {
  it('reads a date alone as the first or last millisecond of that UTC day', () => {
    expect(iso('2026-11-26', 'start')).toBe('2026-11-26T00:00:00.000Z');
    expect(iso('2026-11-26', 'end')).toBe('2026-11-26T23:59:59.999Z');
    expect(iso('2028-02-29', 'end')).toBe('2028-02-29T23:59:59.999Z');
    expect(iso('0001-01-01')).toBe('0001-01-01T00:00:00.000Z');
    expect(iso('9999-12-31', 'end')).toBe('9999-12-31T23:59:59.999Z');
  });

  it('reads a date-time with its offset, whatever the edge', () => {
    expect(iso('2026-11-26T10:00:00Z', 'end')).toBe('2026-11-26T10:00:00.000Z');
    expect(iso('2026-11-26T10:00Z')).toBe('2026-11-26T10:00:00.000Z');
    expect(iso('2026-11-26T12:00:00.250+02:00')).toBe('2026-11-26T10:00:00.250Z');
    expect(iso('2026-11-26T00:30:00-05:30')).toBe('2026-11-26T06:00:00.000Z');
    expect(iso('2026-11-26T10:00:00.1Z')).toBe('2026-11-26T10:00:00.100Z');
    // Sub-millisecond digits are truncated, never rounded up into the next millisecond.
    expect(iso('2026-11-26T10:00:00.123999999Z')).toBe('2026-11-26T10:00:00.123Z');
  });

  it.each([
    '',
    'yesterday',
    '1700000000',
    '2026-11-26T10:00:00', // no offset: would depend on the server's time zone
    '2026-11-26 10:00:00Z',
    '2026-02-29',
    '2026-02-30',
    '2026-13-01',
    '2026-00-10',
    '2026-11-31',
    '0000-01-01',
    '2026-11-26T24:00:00Z',
    '2026-11-26T10:60:00Z',
    '2026-11-26T10:00:60Z',
    '2026-11-26T10:00:00+24:00',
    '2026-11-26T10:00:00+0200',
    '2026-11-26T10:00:00.Z',
    '2026-11-26T10:00:00.1234567890Z',
    '+02026-11-26',
    '2026-W48',
    ' 2026-11-26',
  ])('refuses %j', (value) => {
    expect(parseOrderDateBound(value, 'start')).toBeUndefined();
    expect(parseOrderDateBound(value, 'end')).toBeUndefined();
  });
});

describe('createdRange', () => {
  it('gives inclusive instants and leaves a missing bound open', () => {
    expect(createdRange('2026-11-01', '2026-11-30')).toEqual({
      from: new Date('2026-11-01T00:00:00.000Z'),
      to: new Date('2026-11-30T23:59:59.999Z'),
    });
    expect(createdRange(undefined, '2026-11-30T12:00:00Z')).toEqual({
      from: undefined,
      to: new Date('2026-11-30T12:00:00.000Z'),
    });
    expect(createdRange()).toEqual({ from: undefined, to: undefined });
  });
});
