import { describe, expect, it } from '@jest/globals';
import { onFirstUse } from './on-first-use.js';

describe('onFirstUse', () => {
  it('loads once, whoever asks and however often', async () => {
    let loads = 0;
    const load = onFirstUse(() => Promise.resolve({ n: ++loads }));
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(await load()).toBe(a);
    expect(loads).toBe(1);
  });

  it('tries again after a failed load', async () => {
    let loads = 0;
    const load = onFirstUse(() => {
      loads += 1;
      return loads === 1 ? Promise.reject(new Error('not installed')) : Promise.resolve('module');
    });
    await expect(load()).rejects.toThrow('not installed');
    expect(await load()).toBe('module');
    expect(loads).toBe(2);
  });
});
