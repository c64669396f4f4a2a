// The HTTP half of scripts/image-test.sh: what a client sees of one running replica of the image.
// usage: node scripts/image-test-http.mjs BASE_URL ADMIN_EMAIL ADMIN_PASSWORD PRODUCTS [demo]
// PRODUCTS: how many products the catalog must list (the database is the run's own);
// `demo`: the replica runs with DEMO_ENABLED=true, so /demo must serve the page.
// Prints what it checked; the last line is the uploaded image's URL path (/media/<key>), which
// the shell script then looks for in the container's media volume. Exit 1 with the reason.
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';

const [base, email, password, products, demo] = process.argv.slice(2);
if (!base || !email || !password || !/^\d+$/.test(products ?? '')) {
  console.error(
    'usage: node scripts/image-test-http.mjs BASE_URL ADMIN_EMAIL ADMIN_PASSWORD PRODUCTS [demo]',
  );
  process.exit(2);
}

/** One request; anything but the expected status is a failure that names the route. */
async function call(method, path, { token, json, form, expect = 200 } = {}) {
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  let body = form;
  if (json) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(json);
  }
  const res = await fetch(base + path, { method, headers, body });
  if (res.status !== expect) {
    const text = (await res.text()).slice(0, 400);
    throw new Error(`${method} ${path} answered ${res.status}, expected ${expect}: ${text}`);
  }
  return res;
}

async function main() {
  const catalog = await call('GET', '/api/products');
  const type = catalog.headers.get('content-type') ?? '';
  const list = await catalog.json();
  if (!type.startsWith('application/json') || !Array.isArray(list.items))
    throw new Error(`GET /api/products is not the JSON catalog (content-type ${type})`);
  if (list.items.length !== Number(products))
    throw new Error(`GET /api/products listed ${list.items.length} products, expected ${products}`);
  console.log(`catalog: 200 JSON, ${list.items.length} products as expected`);

  // In production the demo page is off unless DEMO_ENABLED=true (then the image must hold it);
  // the API docs follow DOCS_ENABLED, on by default.
  const page = await call('GET', '/demo', { expect: demo ? 200 : 404 });
  if (demo && !(page.headers.get('content-type') ?? '').startsWith('text/html'))
    throw new Error('GET /demo with DEMO_ENABLED=true did not answer the HTML page');
  await call('GET', '/docs', { expect: 200 });
  console.log(
    `demo and docs: /demo ${page.status}${demo ? ' (DEMO_ENABLED=true)' : ''}, /docs 200`,
  );

  const session = await call('POST', '/api/auth/login', { json: { email, password } });
  const { accessToken: token } = await session.json();
  const word = randomBytes(6).toString('hex');
  const category = await call('POST', '/api/categories', {
    token,
    json: { name: `Image test ${word}` },
    expect: 201,
  }).then((res) => res.json());
  const product = await call('POST', '/api/products', {
    token,
    json: { name: `Image test ${word}`, sku: `IMG-${word}`, price: 1000, categoryId: category.id },
    expect: 201,
  }).then((res) => res.json());

  const png = await sharp({
    create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 40, b: 40 } },
  })
    .png()
    .toBuffer();
  const form = new FormData();
  form.append('file', new Blob([png], { type: 'image/png' }), 'image-test.png');
  const image = await call('POST', `/api/products/${product.id}/images`, {
    token,
    form,
    expect: 201,
  }).then((res) => res.json());
  if (!/^\/media\/[^/]+\.png$/.test(image.url))
    throw new Error(`the upload answered an unexpected url: ${image.url}`);

  const served = await call('GET', image.url);
  const bytes = Buffer.from(await served.arrayBuffer());
  if (served.headers.get('content-type') !== 'image/png' || !bytes.equals(png))
    throw new Error(`GET ${image.url} did not serve back the uploaded PNG`);
  console.log(`upload: admin login, product made, PNG stored and served back at ${image.url}`);
  console.log(image.url);
}

main().catch((error) => {
  console.error(`HTTP check failed on ${base}: ${error.message}`);
  process.exit(1);
});
