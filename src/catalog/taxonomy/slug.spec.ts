import { describe, expect, it } from '@jest/globals';
import { slugify, uniqueSlug } from './slug.js';

describe('slugify', () => {
  it('folds accents, case and punctuation into dashed words', () => {
    expect(slugify('Café Crème — 250 g')).toBe('cafe-creme-250-g');
    expect(slugify('  Salt & Pepper!! ')).toBe('salt-and-pepper');
  });

  it('never returns an empty slug', () => {
    expect(slugify('!!!')).toBe('item');
    expect(slugify('日本語')).toBe('item');
  });

  it('caps the length without a trailing dash', () => {
    const slug = slugify(`${'a'.repeat(119)} b`);
    expect(slug.length).toBeLessThanOrEqual(120);
    expect(slug.endsWith('-')).toBe(false);
  });
});

describe('uniqueSlug', () => {
  it('numbers a taken slug, then falls back to a random suffix', async () => {
    const taken = new Set(['shoe', 'shoe-2']);
    expect(await uniqueSlug('Shoe', (s) => Promise.resolve(taken.has(s)))).toBe('shoe-3');
    const all = await uniqueSlug('Shoe', (s) => Promise.resolve(s !== 'never'));
    expect(all).toMatch(/^shoe-[0-9a-f]{6}$/);
  });
});
