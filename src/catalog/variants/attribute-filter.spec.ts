import { describe, expect, it } from '@jest/globals';
import { formatAttributeFilter, parseAttributeFilter } from './attribute-filter.js';

describe('parseAttributeFilter', () => {
  it('parses terms and alternatives into a canonical, sorted form', () => {
    const terms = parseAttributeFilter('Size:L,color:red|Blue|red');
    expect(terms).toEqual([
      { attribute: 'color', values: ['blue', 'red'] },
      { attribute: 'size', values: ['l'] },
    ]);
    expect(formatAttributeFilter(terms)).toBe('color:blue|red,size:l');
  });

  it('accepts dashed slugs', () => {
    expect(parseAttributeFilter('shoe-size:42-5')).toEqual([
      { attribute: 'shoe-size', values: ['42-5'] },
    ]);
  });

  it.each([
    ['color', 'not attribute:value'],
    ['color:', 'must be a slug'],
    [':red', 'must be a slug'],
    ['color:red:blue', 'not attribute:value'],
    ['color:red,', 'not attribute:value'],
    ['color:red||blue', 'must be a slug'],
    ['color:red blue', 'must be a slug'],
    ['color:-red', 'must be a slug'],
    ['color:red,color:blue', 'given twice'],
    [Array.from({ length: 11 }, (_, i) => `a${i}:x`).join(','), 'at most 10 attributes'],
    [`color:${Array.from({ length: 21 }, (_, i) => `v${i}`).join('|')}`, 'at most 20 values'],
    ['a'.repeat(1001), 'at most 1000 characters'],
  ])('rejects %s', (input, message) => {
    expect(() => parseAttributeFilter(input)).toThrow(message);
  });
});
