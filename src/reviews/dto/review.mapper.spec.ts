import { describe, expect, it } from '@jest/globals';
import { publicAuthorName } from './review.mapper.js';

describe('publicAuthorName', () => {
  it.each([
    ['Ada Lovelace', 'Ada L.'],
    ['  Grace   Brewster Murray Hopper ', 'Grace H.'],
    ['Plato', 'Plato'],
    ['élodie ørsted', 'élodie Ø.'],
    ['', 'Customer'],
    ['   ', 'Customer'],
  ])('shortens %j to %j', (name, expected) => {
    expect(publicAuthorName(name)).toBe(expected);
  });

  it('keeps at most 60 characters of the first name', () => {
    expect(publicAuthorName(`${'a'.repeat(100)} Smith`)).toBe(`${'a'.repeat(60)} S.`);
  });
});
