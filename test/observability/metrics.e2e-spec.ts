import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type CatalogBuilders, catalogBuilders, uniqueWord } from '../catalog/catalog-builders.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const HISTOGRAM = 'http_request_duration_seconds';

/** One sample of the exposition: metric name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments left out). */
function parseSamples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
      );
      return { name: match[1] ?? '', labels, value: Number(match[3]) };
    });
}

describe('GET /metrics', () => {
  let t: TestApp;
  let b: CatalogBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    b = await catalogBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const scrape = async (): Promise<{ text: string; samples: Sample[] }> => {
    const res = await t.http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    return { text: res.text, samples: parseSamples(res.text) };
  };
  /** The histogram's `_count` for one method, route template and status (0 before any). */
  const countOf = (samples: Sample[], method: string, route: string, status: number): number =>
    samples.find(
      (s) =>
        s.name === `${HISTOGRAM}_count` &&
        s.labels.method === method &&
        s.labels.route === route &&
        s.labels.status_code === String(status),
    )?.value ?? 0;

  it('counts requests in the duration histogram by method, route template and status, never by raw URL', async () => {
    const category = await b.category();
    const product = await b.product({ categoryId: category.id });
    const missing = `no-such-product-${uniqueWord()}`;
    const strayPath = `/no-such-route/${randomUUID()}`;
    const route = '/api/products/:idOrSlug';
    const before = (await scrape()).samples;

    for (const ref of [product.slug, product.id, product.slug]) {
      await t.http.get(`/api/products/${ref}`).expect(200);
    }
    await t.http.get(`/api/products/${missing}`).expect(404);
    await t.http.get(`/api/products/${missing}-2`).expect(404);
    await t.http.get(strayPath).expect(404);

    // The histogram is observed when the response has been sent: a scrape may come a moment early.
    let after = await scrape();
    const strayCount = (samples: Sample[]) => countOf(samples, 'GET', 'unmatched', 404);
    for (let waited = 0; strayCount(after.samples) === strayCount(before) && waited < 2_000;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      waited += 50;
      after = await scrape();
    }

    expect(after.text).toContain(`# TYPE ${HISTOGRAM} histogram`);
    const delta = (status: number) =>
      countOf(after.samples, 'GET', route, status) - countOf(before, 'GET', route, status);
    expect({
      ok: delta(200),
      notFound: delta(404),
      unrouted: strayCount(after.samples) - strayCount(before),
    }).toEqual({ ok: 3, notFound: 2, unrouted: 1 });

    // Each series is a real histogram: the +Inf bucket holds every request, the sum is positive.
    const series = after.samples.filter(
      (s) => s.name === `${HISTOGRAM}_bucket` && s.labels.route === route,
    );
    const okBuckets = series.filter((s) => s.labels.status_code === '200');
    expect(okBuckets.find((s) => s.labels.le === '+Inf')?.value).toBe(
      countOf(after.samples, 'GET', route, 200),
    );
    const okSum = after.samples.find(
      (s) =>
        s.name === `${HISTOGRAM}_sum` && s.labels.route === route && s.labels.status_code === '200',
    );
    expect(okSum?.value).toBeGreaterThan(0);

    // Bounded labels: no id, slug or unrouted path became a label value.
    const histogram = after.samples.filter((s) => s.name.startsWith(HISTOGRAM));
    const values = histogram.flatMap((s) => Object.values(s.labels));
    for (const raw of [product.slug, product.id, missing, strayPath]) {
      expect({ raw, inLabels: values.some((v) => v.includes(raw)) }).toEqual({
        raw,
        inLabels: false,
      });
    }
    const routes = new Set(histogram.map((s) => s.labels.route));
    expect(routes.has(route)).toBe(true);
    expect(routes.has('/metrics')).toBe(false);
  });
});
