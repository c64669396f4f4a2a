import { describe, expect, it } from '@jest/globals';
import { oldestBeyond } from './socket-limit.js';

const socket = (id: string, issued: number) => ({ id, handshake: { issued } });

describe('oldestBeyond', () => {
  it('keeps everything up to the cap', () => {
    expect(oldestBeyond([socket('a', 1), socket('b', 2)], 2)).toEqual([]);
  });

  it('returns the oldest sockets beyond the cap, oldest first, whatever the input order', () => {
    const sockets = [socket('c', 30), socket('a', 10), socket('d', 40), socket('b', 20)];
    expect(oldestBeyond(sockets, 2).map((s) => s.id)).toEqual(['a', 'b']);
  });

  it('breaks ties in handshake time by id, the same way on every instance', () => {
    const sockets = [socket('y', 5), socket('x', 5), socket('z', 6)];
    expect(oldestBeyond(sockets, 1).map((s) => s.id)).toEqual(['x', 'y']);
    expect(oldestBeyond([...sockets].reverse(), 1).map((s) => s.id)).toEqual(['x', 'y']);
  });
});
