import { describe, expect, it } from '@jest/globals';
import { clientKey, FixedWindowCounter } from './client-rate-limit.js';

describe('clientKey', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts every IPv6 address of one /64 as one client, however it is written', () => {
    const keys = [
      '2001:db8:a:b::1',
      '2001:0db8:000a:000b:ffff:ffff:ffff:ffff',
      '2001:DB8:A:B:1:2:3:4',
      '2001:db8:a:b::1%eth0',
    ].map(clientKey);
    expect(new Set(keys)).toEqual(new Set(['2001:db8:a:b::/64']));
  });

  it('tells /64 prefixes apart, compressed zeros included', () => {
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('2001:db8:0:1::1')).toBe('2001:db8:0:1::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('fe80::1:2:3:4')).toBe('fe80:0:0:0::/64');
  });
});

describe('FixedWindowCounter', () => {
  const clock = (start: number) => {
    const time = { now: start };
    return { time, now: () => time.now };
  };

  it('allows `limit` requests a window, then answers the seconds until the window ends', () => {
    const { time, now } = clock(1_000_000);
    const counter = new FixedWindowCounter(3, now);
    expect([counter.hit('a'), counter.hit('a'), counter.hit('a')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(counter.hit('a')).toBe(60);
    time.now += 59_001;
    expect(counter.hit('a')).toBe(1);
  });

  it('counts every key apart', () => {
    const counter = new FixedWindowCounter(1, clock(0).now);
    expect(counter.hit('a')).toBeUndefined();
    expect(counter.hit('a')).toBe(60);
    expect(counter.hit('b')).toBeUndefined();
  });

  it('starts every count again when the window ends', () => {
    const { time, now } = clock(5_000);
    const counter = new FixedWindowCounter(1, now);
    counter.hit('a');
    expect(counter.hit('a')).toBeDefined();
    time.now += 60_000;
    expect(counter.hit('a')).toBeUndefined();
    expect(counter.hit('a')).toBe(60);
  });
});
