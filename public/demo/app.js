// The Shop API demo: a plain browser client of the REST API and the `/notifications` socket.
// It is the reference client of docs/frontend-integration.md: the same session handling, token
// refresh and notification catch-up are shown there for React, Vue and Angular.
/* global io */

import { initAccountRecovery, renderVerificationReminder } from './account-recovery.js';

const SESSION_KEY = 'shop-demo:session';
const CART_TOKEN_KEY = 'shop-demo:cart-token';
const CURSOR_KEY = (userId) => `shop-demo:notifications-after:${userId}`;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const CATALOG_PAGE_SIZE = 12;
const CATCH_UP_PAGE = 100;
const STAFF_ROLES = new Set(['staff', 'admin']);
/** The legal moves staff can make (docs/api/README.md); the server checks them anyway (409 otherwise). */
const NEXT_STATUSES = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['processing', 'cancelled'],
  processing: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: ['refunded'],
  refunded: [],
  cancelled: [],
};

const $ = (selector) => document.querySelector(selector);

// ---------------------------------------------------------------------------------------------
// Session: tokens in localStorage, refreshed before they expire and once on a 401.

/** `{user, accessToken, refreshToken, expiresAt}`; expiresAt is on this browser's clock. */
let session = loadSession();
let refreshTimer;
let refreshing; // the one refresh in flight: a refresh token works once

function loadSession() {
  try {
    return JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null');
  } catch {
    return null;
  }
}

/** `expiresIn` is relative, so a skewed client clock does not matter (never read the JWT's exp). */
function sessionFrom(auth) {
  return {
    user: auth.user,
    accessToken: auth.accessToken,
    refreshToken: auth.refreshToken,
    expiresAt: Date.now() + auth.expiresIn * 1000,
    ttl: auth.expiresIn * 1000,
  };
}

function setSession(next) {
  const userChanged = session?.user.id !== next?.user.id;
  session = next;
  if (next) localStorage.setItem(SESSION_KEY, JSON.stringify(next));
  else localStorage.removeItem(SESSION_KEY);
  scheduleRefresh();
  if (userChanged) void onUserChanged();
}

/** Refreshes a little before expiry: 60 s ahead, or a fifth of the lifetime if that is shorter. */
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  if (!session) return;
  const lead = Math.min(60_000, (session.ttl ?? 900_000) / 5);
  const delay = Math.max(1_000, session.expiresAt - lead - Date.now());
  refreshTimer = setTimeout(() => {
    refreshSession().catch(() => undefined);
  }, delay);
}

function refreshSession() {
  refreshing ??= runRefresh().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

async function runRefresh() {
  const spent = session?.refreshToken;
  if (!spent) throw new Error('not signed in');
  const refresh = async () => {
    // Another tab may have refreshed already (it spent our token): take its session then.
    const stored = loadSession();
    if (stored && stored.user.id === session?.user.id && stored.refreshToken !== spent) {
      setSession(stored);
      return;
    }
    const response = await fetch('/api/auth/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refreshToken: spent }),
    });
    if (response.status === 401) {
      setSession(null); // revoked or spent: sign in again
      showAlert('Your session has ended: please log in again.');
      throw new Error('session ended');
    }
    if (!response.ok) throw new Error(`refresh failed: HTTP ${response.status}`);
    setSession(sessionFrom(await response.json()));
  };
  // Web Locks serialise the refresh across tabs sharing this localStorage.
  return navigator.locks ? navigator.locks.request('shop-demo:refresh', refresh) : refresh();
}

/** A valid access token, refreshed first when it is about to expire. */
async function accessToken() {
  if (!session) throw new Error('not signed in');
  if (session.expiresAt - Date.now() < 10_000) await refreshSession();
  return session.accessToken;
}

// Another tab logged in, out, or refreshed; or, signed out, started a guest cart.
window.addEventListener('storage', (event) => {
  if (event.key === SESSION_KEY) setSession(loadSession());
  else if (event.key === CART_TOKEN_KEY && !session) void loadCart();
});

// ---------------------------------------------------------------------------------------------
// Guest cart: signed out, the cart is the one of an opaque token that the first add hands out
// (`X-Cart-Token` response header and `cartToken`, once). It is sent back in the `X-Cart-Token`
// request header on cart calls and, on sign-in, to `login`/`register`, which merge that cart into
// the user's; then it is forgotten. Whoever holds the token holds the cart: keep it like a password.

const cartToken = () => localStorage.getItem(CART_TOKEN_KEY);

function setCartToken(token) {
  if (token) localStorage.setItem(CART_TOKEN_KEY, token);
  else localStorage.removeItem(CART_TOKEN_KEY);
}

// ---------------------------------------------------------------------------------------------
// REST: JSON in and out, the API's one error shape, one retry after a refresh on 401.

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/**
 * `guestCart`: a cart call. Signed out, it sends the guest cart token (if any) and keeps the one a
 * first add hands out; signed in, the bearer token decides whose cart it is (no cart token sent).
 */
async function api(
  path,
  { method = 'GET', body, headers = {}, auth = true, guestCart = false } = {},
) {
  const send = async () => {
    const allHeaders = { ...headers };
    if (body !== undefined) allHeaders['Content-Type'] = 'application/json';
    if (auth && session) allHeaders.Authorization = `Bearer ${await accessToken()}`;
    else if (guestCart && cartToken()) allHeaders['X-Cart-Token'] = cartToken();
    return fetch(path, {
      method,
      headers: allHeaders,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };
  let response = await send();
  if (response.status === 401 && auth && session) {
    await refreshSession();
    response = await send();
  }
  const issued = response.headers.get('X-Cart-Token'); // only when this call created a guest cart
  if (issued && guestCart && !session) setCartToken(issued);
  if (response.status === 204) return undefined;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** A readable message from an API error: its message, plus field errors or stock details. */
function describeError(error) {
  if (!(error instanceof ApiError)) return error.message || String(error);
  const details = Array.isArray(error.body?.details) ? error.body.details : [];
  const lines = details.map((d) =>
    d.field
      ? `${d.field}: ${d.message}`
      : d.available !== undefined
        ? `only ${d.available} left of one product`
        : '',
  );
  return [error.message, ...lines.filter(Boolean)].join(' — ');
}

// ---------------------------------------------------------------------------------------------
// Formatting.

/** Money is an integer in minor units plus an ISO 4217 currency: 8999 USD is $89.99, 500 JPY is ¥500. */
function formatMoney(amount, currency) {
  const format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
  return format.format(amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

const formatDate = (iso) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('data-') || key.startsWith('aria-') || key === 'role')
      node.setAttribute(key, value);
    else node[key] = value;
  }
  node.append(...children.filter((c) => c !== undefined && c !== null));
  return node;
}

function showAlert(message) {
  const alert = $('#alert');
  alert.textContent = message;
  alert.hidden = !message;
}

// ---------------------------------------------------------------------------------------------
// Views.

let currentView = 'catalog';
function showView(name) {
  if (name === 'staff' && !isStaff()) name = 'catalog';
  if (['orders', 'staff'].includes(name) && !session) name = 'account';
  currentView = name;
  for (const section of document.querySelectorAll('main > section')) {
    section.hidden = section.id !== `view-${name}`;
  }
  for (const tab of document.querySelectorAll('[data-view]')) {
    if (tab.dataset.view === name) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  showAlert('');
  $('#cart-notice').hidden = true;
  if (name === 'cart') void loadCart();
  if (name === 'orders') void loadOrders();
  if (name === 'staff') void loadStaffOrders();
}

const isStaff = () => Boolean(session && STAFF_ROLES.has(session.user.role));

function renderSessionBar() {
  $('#whoami').textContent = session
    ? `${session.user.name} <${session.user.email}> (${session.user.role})`
    : 'Not signed in';
  $('#logout').hidden = !session;
  $('[data-view="account"]').hidden = Boolean(session);
  $('[data-view="staff"]').hidden = !isStaff();
  renderVerificationReminder(session?.user);
}

async function onUserChanged() {
  renderSessionBar();
  disconnectNotifications();
  resetCoupon();
  $('#cart-notice').hidden = true;
  if (session) {
    connectNotifications();
    void loadCart();
    if (currentView === 'account') showView('catalog');
  } else {
    void loadCart(); // the guest cart of this browser, if it has one
    if (currentView !== 'catalog' && currentView !== 'cart') showView('account');
  }
}

// ---------------------------------------------------------------------------------------------
// Accounts.

function formValues(form) {
  const values = {};
  for (const [key, value] of new FormData(form)) {
    const text = String(value).trim();
    if (text) values[key] = text;
  }
  return values;
}

/**
 * Signs in with the guest cart's token, if this browser has one: the server merges that cart into
 * the user's (quantities summed, capped by stock) and deletes it. The token is then forgotten, and
 * the page shows the merged cart. A refused sign-in leaves the guest cart as it was.
 */
async function authenticate(path, body) {
  const guestToken = cartToken();
  const hadGuestItems =
    !session && guestToken !== null && lastCart !== undefined && lastCart.itemCount > 0;
  try {
    const auth = await api(path, {
      method: 'POST',
      body,
      auth: false,
      headers: guestToken ? { 'X-Cart-Token': guestToken } : {},
    });
    setCartToken(null);
    setSession(sessionFrom(auth));
    if (hadGuestItems) {
      showView('cart');
      const notice = $('#cart-notice');
      notice.textContent = 'The cart you filled before signing in is now part of your cart.';
      notice.hidden = false;
    } else {
      showView('catalog');
    }
  } catch (error) {
    showAlert(
      error instanceof ApiError && error.status === 429
        ? 'Too many attempts: wait a minute and try again.'
        : describeError(error),
    );
  }
}

$('#login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const { email, password } = Object.fromEntries(new FormData(event.target));
  void authenticate('/api/auth/login', { email, password });
});

$('#register-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const { name, email, password } = Object.fromEntries(new FormData(event.target));
  void authenticate('/api/auth/register', { name, email, password });
});

$('#logout').addEventListener('click', () => {
  const refreshToken = session?.refreshToken;
  setSession(null);
  if (refreshToken) {
    void fetch('/api/auth/logout', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Catalog.

// `loads` numbers the list requests: a slower, older answer (the previous filter's) must not
// overwrite the newer one that arrived first.
const catalog = { page: 1, q: '', category: '', attributes: '', totalPages: 0, loads: 0 };

async function loadCategories() {
  try {
    const { items } = await api('/api/categories', { auth: false });
    const select = $('#search-form select[name="category"]');
    for (const category of items) {
      select.append(el('option', { value: category.slug, text: category.name }));
    }
  } catch (error) {
    showAlert(`Categories: ${describeError(error)}`);
  }
}

/** A select per attribute (its values' slugs) for the product list's `attributes` filter. */
async function loadAttributes() {
  try {
    const { items } = await api('/api/attributes', { auth: false });
    $('#attribute-filters').replaceChildren(
      ...items
        .filter((attribute) => attribute.values.length > 0)
        .map((attribute) => {
          const select = el(
            'select',
            { 'data-attribute': attribute.slug, 'data-testid': `filter-${attribute.slug}` },
            el('option', { value: '', text: 'Any' }),
            ...attribute.values.map((value) =>
              el('option', { value: value.slug, text: value.value }),
            ),
          );
          select.addEventListener('change', () => $('#search-form').requestSubmit());
          return el('label', {}, attribute.name, select);
        }),
    );
  } catch (error) {
    showAlert(`Attributes: ${describeError(error)}`);
  }
}

async function loadProducts() {
  const params = new URLSearchParams({
    page: String(catalog.page),
    pageSize: String(CATALOG_PAGE_SIZE),
  });
  if (catalog.q) {
    params.set('q', catalog.q);
    params.set('sort', 'relevance');
  }
  if (catalog.category) params.set('category', catalog.category);
  if (catalog.attributes) params.set('attributes', catalog.attributes);
  const list = $('#product-list');
  const load = ++catalog.loads;
  list.setAttribute('aria-busy', 'true');
  try {
    const page = await api(`/api/products?${params}`, { auth: false });
    if (load !== catalog.loads) return;
    catalog.totalPages = page.totalPages;
    list.replaceChildren(...page.items.map(productCard));
    // A broad search or filter estimates its total (totalIsEstimate): say "about".
    const about = page.totalIsEstimate ? 'about ' : '';
    $('#catalog-summary').textContent =
      page.total === 0
        ? 'No products match.'
        : `${about}${page.total} product${page.total === 1 ? '' : 's'}`;
    $('#page-info').textContent = page.totalPages
      ? `Page ${page.page} of ${about}${page.totalPages}`
      : '';
    $('#page-prev').disabled = page.page <= 1;
    $('#page-next').disabled = page.page >= page.totalPages;
  } catch (error) {
    if (load === catalog.loads) showAlert(`Catalog: ${describeError(error)}`);
  } finally {
    if (load === catalog.loads) list.removeAttribute('aria-busy');
  }
}

function productCard(product) {
  const card = $('#product-template').content.firstElementChild.cloneNode(true);
  card.dataset.productId = product.id;
  card.dataset.slug = product.slug;
  const image = card.querySelector('.product-image');
  if (product.images?.[0]) {
    image.src = product.images[0].url;
    image.alt = product.images[0].alt;
    image.hidden = false;
    image.addEventListener('error', () => {
      image.hidden = true;
    });
  }
  const open = card.querySelector('.product-open');
  open.textContent = product.name;
  open.addEventListener('click', () => void showProduct(product.slug));
  card.querySelector('.product-meta').textContent = [product.brand?.name, product.category.name]
    .filter(Boolean)
    .join(' · ');
  card.querySelector('.product-desc').textContent = product.shortDescription ?? '';
  const price = card.querySelector('.product-price');
  price.textContent = formatMoney(product.price, product.currency);
  if (product.compareAtPrice && product.compareAtPrice > product.price) {
    price.append(' ', el('s', { text: formatMoney(product.compareAtPrice, product.currency) }));
  }
  card.querySelector('.product-stock').textContent = product.inStock
    ? `${product.stock} in stock`
    : 'Out of stock';
  const button = card.querySelector('.add-to-cart');
  button.disabled = !product.inStock;
  if (product.hasVariants) {
    // Bought as one of its variants: the detail view has a select per attribute.
    button.textContent = 'Choose options';
    button.setAttribute('aria-label', `Choose options of ${product.name}`);
    button.addEventListener('click', () => void showProduct(product.slug));
  } else {
    button.setAttribute('aria-label', `Add ${product.name} to cart`);
    button.addEventListener('click', () => void addToCart(product, button));
  }
  return card;
}

$('#search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const values = Object.fromEntries(new FormData(event.target));
  catalog.q = String(values.q ?? '').trim();
  catalog.category = String(values.category ?? '');
  // `color:red,size:l`: products with an active variant that is red and l (one value each here;
  // the API also takes alternatives, `color:red|blue`).
  catalog.attributes = [...document.querySelectorAll('#attribute-filters select')]
    .filter((select) => select.value)
    .map((select) => `${select.dataset.attribute}:${select.value}`)
    .join(',');
  catalog.page = 1;
  void loadProducts();
});
$('#search-form select[name="category"]').addEventListener('change', () =>
  $('#search-form').requestSubmit(),
);
$('#page-prev').addEventListener('click', () => {
  catalog.page = Math.max(1, catalog.page - 1);
  void loadProducts();
});
$('#page-next').addEventListener('click', () => {
  catalog.page += 1;
  void loadProducts();
});

// ---------------------------------------------------------------------------------------------
// Product detail and variants. A product with variants (`hasVariants`) is bought as one of them:
// the detail (`getProduct`) embeds its active variants with their attribute values, the customer
// picks a value per attribute, that combination names one variant, and the cart line carries its
// `variantId` (its own price and stock).

const detail = { product: undefined, variants: [], variant: undefined, loads: 0 };

async function showProduct(slug) {
  const load = ++detail.loads;
  showView('product');
  $('#product-detail').setAttribute('aria-busy', 'true');
  $('#product-heading').textContent = 'Loading…';
  for (const id of ['#product-detail-meta', '#product-detail-desc', '#product-detail-price'])
    $(id).textContent = '';
  $('#product-detail-stock').textContent = '';
  $('#product-detail-image').hidden = true;
  $('#variant-options').hidden = true;
  $('#product-add').disabled = true;
  try {
    // Without the session: staff would also get the inactive variants, which nobody can buy.
    const product = await api(`/api/products/${encodeURIComponent(slug)}`, { auth: false });
    if (load === detail.loads) renderProduct(product);
  } catch (error) {
    if (load === detail.loads) showAlert(`Product: ${describeError(error)}`);
  } finally {
    if (load === detail.loads) $('#product-detail').removeAttribute('aria-busy');
  }
}

/** The attributes the variants are described by (the same for all), with the values in use. */
function variantAttributes(variants) {
  const attributes = new Map(); // attributeId → {slug, name, values: Map(valueId → value)}
  for (const variant of variants) {
    for (const a of variant.attributes) {
      if (!attributes.has(a.attributeId))
        attributes.set(a.attributeId, {
          slug: a.attributeSlug,
          name: a.attributeName,
          values: new Map(),
        });
      attributes.get(a.attributeId).values.set(a.valueId, a.value);
    }
  }
  return [...attributes.entries()].map(([id, attribute]) => ({ id, ...attribute }));
}

function renderProduct(product) {
  detail.product = product;
  detail.variants = (product.variants ?? []).filter((variant) => variant.isActive);
  $('#product-heading').textContent = product.name;
  $('#product-detail-meta').textContent = [product.brand?.name, product.category.name, product.sku]
    .filter(Boolean)
    .join(' · ');
  $('#product-detail-desc').textContent = product.description || product.shortDescription || '';
  const image = $('#product-detail-image');
  image.hidden = !product.images?.[0];
  if (product.images?.[0]) {
    image.src = product.images[0].url;
    image.alt = product.images[0].alt;
  }
  const selects = [];
  if (product.hasVariants && detail.variants.length > 0) {
    // Start from the first variant in stock (variants come in the shop's order).
    const first = detail.variants.find((variant) => variant.inStock) ?? detail.variants[0];
    for (const attribute of variantAttributes(detail.variants)) {
      const select = el(
        'select',
        { 'data-attribute-id': attribute.id, 'data-testid': `variant-${attribute.slug}` },
        ...[...attribute.values].map(([id, value]) => el('option', { value: id, text: value })),
      );
      select.value = first.attributes.find((a) => a.attributeId === attribute.id)?.valueId ?? '';
      select.addEventListener('change', selectVariant);
      selects.push(el('label', {}, attribute.name, select));
    }
  }
  $('#variant-selects').replaceChildren(...selects);
  $('#variant-options').hidden = selects.length === 0;
  selectVariant();
}

/** The variant the selects name (one value per attribute), its price and stock. */
function selectVariant() {
  const { product, variants } = detail;
  const chosen = [...document.querySelectorAll('#variant-selects select')].map((s) => s.value);
  const variant = product.hasVariants
    ? variants.find((v) => v.attributes.every((a) => chosen.includes(a.valueId)))
    : undefined;
  detail.variant = variant;
  const price = $('#product-detail-price');
  const stock = $('#product-detail-stock');
  const add = $('#product-add');
  add.textContent = 'Add to cart';
  if (product.hasVariants && !variant) {
    price.textContent = '';
    stock.textContent = 'This combination is not available.';
    add.disabled = true;
    return;
  }
  const item = variant ?? product;
  price.textContent = formatMoney(item.price, item.currency);
  if (!variant && product.compareAtPrice && product.compareAtPrice > product.price) {
    price.append(' ', el('s', { text: formatMoney(product.compareAtPrice, product.currency) }));
  }
  const availability = item.inStock ? `${item.stock} in stock` : 'Out of stock';
  stock.textContent = variant
    ? `${variant.name} (SKU ${variant.sku}): ${availability}`
    : availability;
  add.disabled = !item.inStock;
  add.dataset.variantId = variant?.id ?? '';
}

$('#product-add').addEventListener('click', () => {
  // The selects may have moved to a combination without a variant while an add was running.
  if (detail.product.hasVariants && !detail.variant) return;
  void addToCart(detail.product, $('#product-add'), detail.variant);
});
$('#product-back').addEventListener('click', () => showView('catalog'));

// ---------------------------------------------------------------------------------------------
// Cart and checkout. Signed out, the cart is a guest cart (see "Guest cart" above): a guest checks
// out with an email address (`checkoutGuestCart`) and gets the order's token, or signs in, which
// brings the guest cart along.

/** Why a cart line blocks checkout (`issue`). */
const LINE_ISSUES = {
  unavailable: 'no longer available',
  deleted: 'no longer sold: remove this line',
  insufficient_stock: 'not enough stock',
  variant_required: 'choose an option: remove this line and add the product again',
};

/** The cart as last rendered (its item count decides whether a sign-in has a cart to merge). */
let lastCart;
/**
 * Adds go one at a time: a guest's first add creates the cart and hands out its token, and a
 * second add sent before that answer arrived would create a second cart.
 */
let cartWrites = Promise.resolve();

/** `variant`: the chosen one, for a product with variants (`hasVariants`): it needs one. */
async function addToCart(product, button, variant) {
  const label = variant ? `${product.name} (${variant.name})` : product.name;
  button.disabled = true;
  try {
    const write = cartWrites.then(() =>
      api('/api/cart/items', {
        method: 'POST',
        body: { productId: product.id, ...(variant ? { variantId: variant.id } : {}), quantity: 1 },
        guestCart: true,
      }),
    );
    cartWrites = write.catch(() => undefined);
    const cart = await write;
    // The token is also in the body of the answer that created the cart (and in its header).
    if (!session && cart.cartToken) setCartToken(cart.cartToken);
    renderCart(cart);
    button.textContent = 'Added ✓';
    setTimeout(() => {
      button.textContent = 'Add to cart';
    }, 1_500);
  } catch (error) {
    showAlert(
      error instanceof ApiError && error.body?.code === 'INSUFFICIENT_STOCK'
        ? `Only ${error.body.details?.[0]?.available ?? 'a few'} of ${label} available.`
        : describeError(error),
    );
  } finally {
    button.disabled = false;
  }
}

async function loadCart() {
  try {
    const cart = await api('/api/cart', { guestCart: true });
    // A guest token the server no longer knows (expired, or merged by a sign-in in another
    // tab) reads as "no cart": forget it, the next add starts a fresh one.
    if (!session && cart.id === null) setCartToken(null);
    renderCart(cart);
  } catch (error) {
    showAlert(`Cart: ${describeError(error)}`);
  }
}

function renderCart(cart) {
  lastCart = cart;
  $('#cart-count').textContent = String(cart.itemCount);
  const empty = cart.items.length === 0;
  $('#cart-empty').hidden = !empty;
  $('#cart-table').hidden = empty;
  $('#checkout-form').hidden = empty;
  $('#cart-signin').hidden = empty || Boolean(session);
  // A guest gives an email address; a customer's account has one. The coupon preview
  // (validateCoupon) is for customers: a guest's code is checked by the checkout itself.
  const guestEmail = $('#checkout-form input[name="email"]');
  guestEmail.disabled = Boolean(session);
  guestEmail.required = !session;
  $('#checkout-guest-email').hidden = Boolean(session);
  $('#coupon-apply').hidden = !session;
  $('#cart-expires').textContent =
    cart.expiresAt && !empty
      ? `This guest cart is kept until ${formatDate(cart.expiresAt)}; every change keeps it longer.`
      : '';
  $('#cart-subtotal').textContent = formatMoney(cart.subtotal, cart.currency);
  $('#cart-lines').replaceChildren(
    ...cart.items.map((line) => {
      // A deleted product's line has no product, only the name it had (`deletedProductName`).
      const name = line.product?.name ?? line.deletedProductName;
      const label = line.variant ? `${name} (${line.variant.name})` : name;
      const unit = line.variant ?? line.product; // a variant line costs the variant's price
      const quantity = el('input', {
        type: 'number',
        min: 1,
        max: 999,
        value: line.quantity,
        'aria-label': `Quantity of ${label}`,
      });
      quantity.addEventListener('change', () => {
        void cartAction(`/api/cart/items/${line.id}`, 'PATCH', {
          quantity: Number(quantity.value),
        });
      });
      const remove = el('button', {
        type: 'button',
        class: 'secondary',
        text: 'Remove',
        'aria-label': `Remove ${label}`,
      });
      remove.addEventListener('click', () => {
        void cartAction(`/api/cart/items/${line.id}`, 'DELETE');
      });
      const issue = line.issue
        ? el('span', { class: 'issue', text: ` (${LINE_ISSUES[line.issue] ?? line.issue})` })
        : undefined;
      const variant = line.variant
        ? el('span', {
            class: 'variant-name',
            'data-testid': 'cart-variant',
            text: line.variant.name,
          })
        : undefined;
      return el(
        'tr',
        {
          'data-testid': 'cart-line',
          'data-product-id': line.product?.id,
          'data-variant-id': line.variant?.id,
        },
        el('td', {}, name, variant, issue),
        el('td', { text: unit ? formatMoney(unit.price, unit.currency) : '–' }),
        el('td', {}, quantity),
        el('td', { text: formatMoney(line.lineTotal, cart.currency) }),
        el('td', {}, remove),
      );
    }),
  );
  if (!session) return;
  const fullName = $('#checkout-form input[name="fullName"]');
  if (!fullName.value) fullName.value = session.user.name;
  // The cart changed: what the applied coupon takes off changes with it.
  if (coupon.applied && !empty) void previewCoupon(coupon.applied);
}

async function cartAction(path, method, body) {
  try {
    const cart = await api(path, { method, body, guestCart: true });
    if (cart) renderCart(cart);
    else await loadCart();
  } catch (error) {
    showAlert(describeError(error));
    await loadCart();
  }
}

$('#cart-signin-button').addEventListener('click', () => showView('account'));

// Coupons: `validateCoupon` previews what checkout would charge with the code (it reserves
// nothing); checkout sends `couponCode` and decides under its lock, so it can still refuse.

/** What a refused coupon means, by the error's `code` (the one error shape). */
const COUPON_PROBLEMS = {
  COUPON_NOT_FOUND: () => 'There is no such coupon.',
  COUPON_NOT_YET_VALID: () => 'This coupon is not valid yet.',
  COUPON_EXPIRED: () => 'This coupon has expired.',
  COUPON_MINIMUM_NOT_MET: (details, currency) =>
    details?.minOrderAmount === undefined
      ? 'Your order is below the minimum for this coupon.'
      : `This coupon needs an order of at least ${formatMoney(details.minOrderAmount, currency)}.`,
  COUPON_USAGE_LIMIT_REACHED: () => 'This coupon has been used up.',
  COUPON_USER_LIMIT_REACHED: () => 'You have used this coupon as many times as it allows.',
};

/** `applied`: the code whose preview is shown (checkout sends whatever the field holds). */
const coupon = { applied: undefined, previews: 0 };

const couponProblem = (error) =>
  error instanceof ApiError && Object.hasOwn(COUPON_PROBLEMS, error.body?.code ?? '')
    ? COUPON_PROBLEMS[error.body.code](error.body.details, lastCart?.currency ?? 'USD')
    : undefined;

function showCouponMessage(text, problem = false) {
  const message = $('#coupon-message');
  message.textContent = text;
  message.classList.toggle('issue', problem);
}

function resetCoupon() {
  coupon.applied = undefined;
  coupon.previews += 1; // answers still in flight are stale
  $('#checkout-form input[name="couponCode"]').value = '';
  $('#coupon-quote').hidden = true;
  $('#coupon-remove').hidden = true;
  showCouponMessage('');
}

async function previewCoupon(code) {
  const run = ++coupon.previews;
  try {
    const quote = await api('/api/cart/coupon/validate', { method: 'POST', body: { code } });
    if (run !== coupon.previews) return;
    coupon.applied = code;
    const money = (amount) => formatMoney(amount, quote.currency);
    const row = (label, value, testId) =>
      el('div', { 'data-testid': testId }, el('dt', { text: label }), el('dd', { text: value }));
    $('#coupon-quote').replaceChildren(
      row('Subtotal', money(quote.subtotal)),
      row(`Coupon ${quote.couponCode}`, `−${money(quote.discountAmount)}`, 'coupon-discount'),
      row('Shipping', money(quote.shippingAmount)),
      row('Tax', money(quote.taxAmount)),
      row('Total', money(quote.total), 'coupon-total'),
    );
    $('#coupon-quote').hidden = false;
    $('#coupon-remove').hidden = false;
    showCouponMessage(`${quote.couponCode} takes ${money(quote.discountAmount)} off this order.`);
  } catch (error) {
    if (run !== coupon.previews) return;
    coupon.applied = undefined;
    $('#coupon-quote').hidden = true;
    showCouponMessage(couponProblem(error) ?? describeError(error), true);
  }
}

function applyCoupon() {
  const code = $('#checkout-form input[name="couponCode"]').value.trim();
  if (!code) {
    resetCoupon();
    return;
  }
  void previewCoupon(code);
}

$('#coupon-apply').addEventListener('click', applyCoupon);
$('#coupon-remove').addEventListener('click', resetCoupon);
$('#checkout-form input[name="couponCode"]').addEventListener('keydown', (event) => {
  if (event.key !== 'Enter') return;
  event.preventDefault(); // Enter applies the coupon; it must not place the order
  applyCoupon();
});
$('#checkout-form input[name="couponCode"]').addEventListener('input', () => {
  // The preview is of the code that was applied, not of what is being typed.
  coupon.applied = undefined;
  coupon.previews += 1;
  $('#coupon-quote').hidden = true;
  $('#coupon-remove').hidden = true;
  showCouponMessage('');
});

/** One Idempotency-Key per checkout attempt; a resend of the same attempt reuses it. */
let checkoutAttempt; // {key, payload} while its outcome is unknown (network failure)

$('#checkout-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void checkout(event.target);
});

async function checkout(form) {
  const { notes, couponCode, email, ...address } = formValues(form);
  address.country = address.country?.toUpperCase();
  const guest = !session;
  const body = {
    ...(guest ? { email } : {}),
    shippingAddress: address,
    ...(notes ? { notes } : {}),
    ...(couponCode ? { couponCode } : {}),
  };
  const payload = JSON.stringify(body);
  if (checkoutAttempt?.payload !== payload) {
    checkoutAttempt = { key: crypto.randomUUID(), payload };
  }
  const submit = form.querySelector('button[type="submit"]');
  submit.disabled = true;
  try {
    // A guest's checkout sends the cart token (and no bearer token) to checkoutGuestCart.
    const order = await api(guest ? '/api/orders/guest' : '/api/orders', {
      method: 'POST',
      body,
      headers: { 'Idempotency-Key': checkoutAttempt.key },
      ...(guest ? { auth: false, guestCart: true } : {}),
    });
    checkoutAttempt = undefined;
    const result = $('#checkout-result');
    result.dataset.orderNumber = order.number;
    result.dataset.orderId = order.id;
    const discount = order.couponCode
      ? ` (coupon ${order.couponCode}: −${formatMoney(order.discountAmount, order.currency)})`
      : '';
    // The order token is shown once: it is what opens a guest order (X-Order-Token).
    const token = order.guestToken
      ? ` Keep your order token to see or cancel it: ${order.guestToken}`
      : '';
    if (order.guestToken) result.dataset.guestToken = order.guestToken;
    else delete result.dataset.guestToken;
    result.textContent = `Thank you! Order #${order.number} is placed: ${formatMoney(order.total, order.currency)}${discount}.${token}`;
    result.hidden = false;
    form.reset();
    resetCoupon();
    await loadCart();
    if (!guest) void catchUp(); // its `order_created` notification
  } catch (error) {
    // An answer from the server settles the attempt; a network failure leaves it open, so
    // pressing the button again resends it with the same key (never a second order).
    if (error instanceof ApiError) checkoutAttempt = undefined;
    const problem = couponProblem(error);
    if (problem) {
      // Refused for its coupon: nothing was placed; the customer can drop the code and retry.
      coupon.applied = undefined;
      $('#coupon-quote').hidden = true;
      showCouponMessage(problem, true);
    }
    showAlert(`Checkout: ${problem ?? describeError(error)}`);
  } finally {
    submit.disabled = false;
  }
}

// ---------------------------------------------------------------------------------------------
// Orders.

async function loadOrders() {
  if (!session) return;
  try {
    const page = await api('/api/orders?pageSize=20');
    $('#orders-empty').hidden = page.items.length > 0;
    $('#orders-table').hidden = page.items.length === 0;
    $('#order-rows').replaceChildren(...page.items.map(orderRow));
  } catch (error) {
    showAlert(`Orders: ${describeError(error)}`);
  }
}

function orderRow(order) {
  const actions = el('td');
  if (order.status === 'pending' || order.status === 'confirmed') {
    const cancel = el('button', { type: 'button', class: 'danger', text: 'Cancel order' });
    cancel.addEventListener('click', async () => {
      cancel.disabled = true;
      try {
        await api(`/api/orders/${order.id}/cancel`, { method: 'POST' });
      } catch (error) {
        showAlert(describeError(error));
      }
      await loadOrders();
    });
    actions.append(cancel);
  }
  const count = order.items.reduce((sum, item) => sum + item.quantity, 0);
  const discount = order.couponCode
    ? el('span', {
        class: 'discount',
        text: ` (${order.couponCode}: −${formatMoney(order.discountAmount, order.currency)})`,
      })
    : undefined;
  return el(
    'tr',
    { 'data-testid': 'order-row', 'data-order-number': order.number, 'data-status': order.status },
    el('th', { scope: 'row', text: `#${order.number}` }),
    el('td', { class: 'when', text: formatDate(order.createdAt) }),
    el('td', { text: String(count) }),
    el('td', {}, formatMoney(order.total, order.currency), discount),
    el('td', {}, el('span', { class: `status status-${order.status}`, text: order.status })),
    actions,
  );
}

async function loadStaffOrders() {
  if (!isStaff()) return;
  const status = $('#staff-filter select[name="status"]').value;
  const params = new URLSearchParams({ pageSize: '25' });
  if (status) params.set('status', status);
  try {
    const page = await api(`/api/orders?${params}`);
    $('#staff-rows').replaceChildren(...page.items.map(staffRow));
  } catch (error) {
    showAlert(`Staff orders: ${describeError(error)}`);
  }
}

function staffRow(order) {
  const moves = el('div', { class: 'moves' });
  let tracking;
  if (NEXT_STATUSES[order.status].includes('shipped')) {
    tracking = el('input', {
      type: 'text',
      maxLength: 100,
      placeholder: 'Tracking no.',
      'aria-label': `Tracking number for order ${order.number}`,
    });
    moves.append(tracking);
  }
  for (const status of NEXT_STATUSES[order.status]) {
    const button = el('button', {
      type: 'button',
      text: status,
      class: status === 'cancelled' ? 'danger' : '',
      'data-testid': `move-${status}`,
      'aria-label': `Move order ${order.number} to ${status}`,
    });
    button.addEventListener('click', () => void moveOrder(order, status, tracking, button));
    moves.append(button);
  }
  if (moves.childElementCount === 0) moves.textContent = '—';
  const to = order.shippingAddress;
  return el(
    'tr',
    {
      'data-testid': 'staff-order-row',
      'data-order-number': order.number,
      'data-status': order.status,
    },
    el('th', { scope: 'row', text: `#${order.number}` }),
    el('td', { class: 'when', text: formatDate(order.createdAt) }),
    el('td', { text: `${to.fullName}, ${to.city} (${to.country})` }),
    el('td', { text: formatMoney(order.total, order.currency) }),
    el('td', {}, el('span', { class: `status status-${order.status}`, text: order.status })),
    el('td', {}, moves),
  );
}

async function moveOrder(order, status, tracking, button) {
  button.disabled = true;
  const body = { status };
  if (status === 'shipped' && tracking?.value.trim()) body.trackingNumber = tracking.value.trim();
  try {
    await api(`/api/orders/${order.id}/status`, { method: 'PATCH', body });
  } catch (error) {
    showAlert(`Order #${order.number}: ${describeError(error)}`);
  }
  await loadStaffOrders();
}

$('#staff-filter').addEventListener('submit', (event) => {
  event.preventDefault();
  void loadStaffOrders();
});

// ---------------------------------------------------------------------------------------------
// Notifications: the socket pushes; REST catch-up (`after=<last id>`) on every (re)connect
// fills any gap; notification ids deduplicate the two.

let socket;
let socketToken; // the access token the socket authenticated with
let authRetried = false;
const seen = new Set();
let catchUpRunning;
let catchUpAgain = false;

function setSocketState(state, text) {
  const status = $('#socket-status');
  status.dataset.state = state;
  status.textContent = `Notifications: ${text ?? state}`;
}

function connectNotifications() {
  if (typeof io !== 'function') {
    setSocketState('unavailable');
    return;
  }
  socket = io('/notifications', {
    // Called on every connection attempt, so a reconnect always sends the current token.
    auth: (cb) => {
      accessToken().then(
        (token) => {
          socketToken = token;
          cb({ token });
        },
        () => cb({}),
      );
    },
    transports: ['websocket'], // no sticky sessions needed behind a load balancer
    reconnectionDelay: 1_000, // exponential backoff from 1 s…
    reconnectionDelayMax: 30_000, // …to 30 s, ±50 % jitter
    randomizationFactor: 0.5,
  });
  socket.on('connect', () => {
    authRetried = false;
    setSocketState('connected');
    void catchUp();
  });
  socket.on('disconnect', (reason) => {
    setSocketState('offline', 'reconnecting…');
    // The server hung up (its `token_expired`): socket.io does not retry that by itself.
    if (reason === 'io server disconnect' && session) socket.connect();
  });
  socket.on('connect_error', (error) => {
    if (socket.active) {
      setSocketState('offline', 'reconnecting…'); // a network error: socket.io retries with backoff
      return;
    }
    // Refused by the server (`unauthorized`): refresh the token and try once more.
    if (error.message === 'unauthorized' && session && !authRetried) {
      authRetried = true;
      refreshSession().then(
        () => socket?.connect(),
        () => undefined,
      );
      return;
    }
    setSocketState('error', error.message);
  });
  socket.on('token_expired', () => {
    // The server disconnects next; make sure the reconnect gets a new token.
    if (session && session.accessToken === socketToken) session.expiresAt = 0;
  });
  socket.on('order_status_update', (event) => {
    notify({
      id: event.notificationId,
      type: 'order_status_update',
      title: `Order #${event.orderNumber}: ${event.newStatus}`,
      message: event.message,
      orderNumber: event.orderNumber,
      status: event.newStatus,
    });
    void loadOrders();
    if (currentView === 'staff') void loadStaffOrders();
    void catchUp(); // moves the stored cursor past it (pushes carry no cursor of their own)
  });
  socket.on('order_created', (event) => {
    // Staff only: every new order.
    notify({
      id: `created:${event.orderId}`,
      type: 'order_created',
      title: `New order #${event.orderNumber}`,
      message: `Total ${formatMoney(event.total, event.currency)}`,
      orderNumber: event.orderNumber,
      status: 'pending',
    });
    if (currentView === 'staff') void loadStaffOrders();
  });
}

function disconnectNotifications() {
  socket?.disconnect();
  socket?.removeAllListeners();
  socket = undefined;
  setSocketState('offline');
}

/** Fetches every notification newer than the stored cursor, oldest first, page by page. */
function catchUp() {
  if (catchUpRunning) {
    catchUpAgain = true;
    return catchUpRunning;
  }
  catchUpRunning = runCatchUp()
    .catch((error) => showAlert(`Notifications: ${describeError(error)}`))
    .finally(() => {
      catchUpRunning = undefined;
      if (catchUpAgain) {
        catchUpAgain = false;
        void catchUp();
      }
    });
  return catchUpRunning;
}

async function runCatchUp() {
  if (!session) return;
  const key = CURSOR_KEY(session.user.id);
  let after = localStorage.getItem(key);
  if (!after) {
    // First time on this device: start from the newest one (history is in the API, not toasts).
    const { items } = await api('/api/notifications?limit=1');
    localStorage.setItem(key, items[0]?.id ?? NIL_UUID);
    for (const item of items) seen.add(item.id);
    return;
  }
  for (;;) {
    const { items } = await api(`/api/notifications?after=${after}&limit=${CATCH_UP_PAGE}`);
    for (const item of items) {
      notify({
        id: item.id,
        type: item.type,
        title: item.title,
        message: item.message,
        orderNumber: item.data?.orderNumber,
        status: item.type === 'order_created' ? 'pending' : item.data?.newStatus,
      });
      after = item.id;
    }
    localStorage.setItem(key, after);
    if (items.length < CATCH_UP_PAGE) break;
  }
  if (currentView === 'orders') void loadOrders();
}

/** Shows a notification once, whether it came by push or by catch-up. */
function notify(notification) {
  if (seen.has(notification.id)) return;
  seen.add(notification.id);
  const close = el('button', { type: 'button', class: 'toast-close', text: '×' });
  close.setAttribute('aria-label', 'Dismiss');
  const toast = el(
    'div',
    {
      class: 'toast',
      role: 'status',
      'data-testid': 'toast',
      'data-type': notification.type,
      'data-order-number': notification.orderNumber,
      'data-status': notification.status,
    },
    el('strong', { text: notification.title }),
    el('p', { text: notification.message }),
    close,
  );
  const remove = () => toast.remove();
  close.addEventListener('click', remove);
  setTimeout(remove, 12_000);
  $('#toasts').append(toast);
}

// ---------------------------------------------------------------------------------------------
// Start.

for (const tab of document.querySelectorAll('[data-view]')) {
  tab.addEventListener('click', () => showView(tab.dataset.view));
}

renderSessionBar();
void loadCategories();
void loadAttributes();
if (session) {
  scheduleRefresh();
  // A stored session may be stale: an expired access token is refreshed by the first call.
  api('/api/me')
    .then((user) => {
      session.user = user;
      localStorage.setItem(SESSION_KEY, JSON.stringify(session));
      renderSessionBar();
      connectNotifications();
      void loadCart();
    })
    .catch(() => {
      if (session) setSession(null);
    });
} else {
  void loadCart(); // a guest cart kept from an earlier visit (or an empty one)
}
void loadProducts();
initAccountRecovery({
  api,
  describeError,
  showAlert,
  showView,
  getSession: () => session,
  refreshMe: async () => {
    session.user = await api('/api/me');
    localStorage.setItem(SESSION_KEY, JSON.stringify(session));
    renderSessionBar();
  },
});
document.documentElement.dataset.ready = 'true';
