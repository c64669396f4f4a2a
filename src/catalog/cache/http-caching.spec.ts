import { describe, expect, it } from '@jest/globals';
import { etagOf, ifNoneMatchHits, publicCacheControl } from './http-caching.js';

describe('HTTP caching of catalog reads', () => {
  const etag = etagOf('{"a":1}');

  it('tags a body strongly, by its bytes', () => {
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    expect(etagOf('{"a":1}')).toBe(etag);
    expect(etagOf('{"a":2}')).not.toBe(etag);
  });

  it('matches If-None-Match weakly, in lists, and `*` (RFC 9110 §13.1.2)', () => {
    expect(ifNoneMatchHits(etag, etag)).toBe(true);
    expect(ifNoneMatchHits(`W/${etag}`, etag)).toBe(true);
    expect(ifNoneMatchHits(`"other", ${etag}`, etag)).toBe(true);
    expect(ifNoneMatchHits(`"other",W/${etag} ,"x"`, etag)).toBe(true);
    expect(ifNoneMatchHits(['"other"', etag], etag)).toBe(true);
    expect(ifNoneMatchHits('*', etag)).toBe(true);
    expect(ifNoneMatchHits(' * ', etag)).toBe(true);
  });

  it('matches nothing else: other tags, unquoted or malformed values, an absent header', () => {
    expect(ifNoneMatchHits(undefined, etag)).toBe(false);
    expect(ifNoneMatchHits('', etag)).toBe(false);
    expect(ifNoneMatchHits('"other"', etag)).toBe(false);
    expect(ifNoneMatchHits(etag.slice(1, -1), etag)).toBe(false);
    expect(ifNoneMatchHits(`"other", ${etag.slice(0, -1)}`, etag)).toBe(false);
    expect(ifNoneMatchHits(`w/${etag}`, etag)).toBe(false);
    expect(ifNoneMatchHits(`"a,b", "c"`, '"a"')).toBe(false);
  });

  it('builds Cache-Control from max-age and stale-while-revalidate; 0 drops or disables', () => {
    expect(publicCacheControl(30, 60)).toBe('public, max-age=30, stale-while-revalidate=60');
    expect(publicCacheControl(30, 0)).toBe('public, max-age=30');
    expect(publicCacheControl(0, 60)).toBe('public, no-cache');
    expect(publicCacheControl(0, 0)).toBe('public, no-cache');
  });
});
