import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** The `src` of every `<script>` and the `href` of every stylesheet link of a page. */
function assetsOf(html: string): { scripts: string[]; styles: string[] } {
  const attr = (tag: string, name: string): string | undefined =>
    new RegExp(`\\b${name}=["']([^"']+)["']`).exec(tag)?.[1];
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].flatMap((m) => attr(m[0], 'src') ?? []);
  const styles = [...html.matchAll(/<link\b[^>]*rel=["']stylesheet["'][^>]*>/g)].flatMap(
    (m) => attr(m[0], 'href') ?? [],
  );
  return { scripts, styles };
}

describe('Swagger UI at /docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** An asset's path as a browser on `/docs` resolves it; same-origin only (the CSP is 'self'). */
  const sameOriginPath = (ref: string): string => {
    const url = new URL(ref, `${t.baseUrl}/docs`);
    expect({ ref, origin: url.origin }).toEqual({ ref, origin: new URL(t.baseUrl).origin });
    return url.pathname;
  };

  it('answers an HTML page that loads the Swagger UI bundle, its styles and the API document', async () => {
    const page = await t.http.get('/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toMatch(/<title>Shop API docs<\/title>/);
    expect(page.text).toContain('<div id="swagger-ui">');

    const { scripts, styles } = assetsOf(page.text);
    const scriptPaths = scripts.map(sameOriginPath);
    expect(scriptPaths).toEqual(
      expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/swagger-ui-init.js']),
    );
    expect(styles.map(sameOriginPath)).toContain('/docs/swagger-ui.css');

    for (const path of scriptPaths) {
      const script = await t.http.get(path).expect(200);
      expect({ path, type: script.headers['content-type'] }).toEqual({
        path,
        type: expect.stringMatching(/javascript/),
      });
    }
    const bundle = await t.http.get('/docs/swagger-ui-bundle.js').expect(200);
    expect(bundle.text).toContain('SwaggerUIBundle');
    const css = await t.http.get('/docs/swagger-ui.css').expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.text).toContain('.swagger-ui');

    // The init script starts the UI on the app's own document (operationIds shown).
    const init = await t.http.get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('SwaggerUIBundle(');
    expect(init.text).toMatch(/"displayOperationId":\s*true/);
    const document = await t.http.get('/docs-json').expect(200);
    const operationIds = Object.values(document.body.paths as Record<string, object>).flatMap(
      (item) => Object.values(item as Record<string, { operationId: string }>),
    );
    expect(operationIds.length).toBeGreaterThan(0);
    for (const { operationId } of operationIds) {
      expect(init.text).toContain(`"operationId": "${operationId}"`);
    }
  });
});
