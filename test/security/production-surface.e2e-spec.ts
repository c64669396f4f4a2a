import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError } from '../support/expect-error.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * DEMO_ENABLED and DOCS_ENABLED: the demo page (/demo, with its assets and the Socket.IO client)
 * and the API docs (Swagger UI at /docs, the document at /docs-json and /docs-yaml, the AsyncAPI
 * document at /docs-asyncapi.json) can be
 * switched off; off, they are unknown URLs, answered 404 in the one error shape.
 */
const DEMO_PATHS = ['/demo', '/demo/', '/demo/index.html', '/demo/vendor/socket.io.min.js'];
const DOCS_PATHS = [
  '/docs',
  '/docs/',
  '/docs-json',
  '/docs-yaml',
  '/docs-asyncapi.json',
  '/docs/swagger-ui.css',
];

describe('production surface', () => {
  const apps: TestApp[] = [];
  const start = async (env: Record<string, string>): Promise<TestApp> => {
    const t = await createTestApp(env);
    apps.push(t);
    return t;
  };
  afterAll(async () => {
    await Promise.all(apps.map((t) => t.close()));
  });

  describe('by default (outside production)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await start({});
    });

    it('serves the demo page and the API docs', async () => {
      const demo = await t.http.get('/demo').expect(200);
      expect(demo.headers['content-type']).toMatch(/^text\/html/);
      await t.http.get('/demo/vendor/socket.io.min.js').expect(200);
      const docs = await t.http.get('/docs').expect(200);
      expect(docs.headers['content-type']).toMatch(/^text\/html/);
      const document = await t.http.get('/docs-json').expect(200);
      expect((document.body as { openapi?: string }).openapi).toMatch(/^3\./);
    });
  });

  it('answers every demo URL with a 404 when DEMO_ENABLED=false, and still serves the docs', async () => {
    const t = await start({ DEMO_ENABLED: 'false' });
    for (const path of DEMO_PATHS) expectError(await t.http.get(path), 404, 'NOT_FOUND');
    await t.http.get('/docs-json').expect(200);
  });

  it('answers every docs URL with a 404 when DOCS_ENABLED=false, and still serves the demo', async () => {
    const t = await start({ DOCS_ENABLED: 'false' });
    for (const path of DOCS_PATHS) expectError(await t.http.get(path), 404, 'NOT_FOUND');
    await t.http.get('/demo').expect(200);
  });

  it('leaves the demo off in production unless DEMO_ENABLED says otherwise', async () => {
    const production = await start({ NODE_ENV: 'production' });
    expectError(await production.http.get('/demo'), 404, 'NOT_FOUND');
    await production.http.get('/docs-json').expect(200);
    const optedIn = await start({ NODE_ENV: 'production', DEMO_ENABLED: 'true' });
    await optedIn.http.get('/demo').expect(200);
  });
});
