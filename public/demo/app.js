// The Shop API demo: a plain browser client of the REST API and the `/notifications` socket.
// It is the reference client of docs/frontend-integration.md: the same session handling, token
// refresh and notification catch-up are shown there for React, Vue and Angular.
/* global io */

const SESSION_KEY = 'shop-demo:session';
const CURSOR_KEY = (userId) => `shop-demo:notifications-after:${userId}`;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const CATALOG_PAGE_SIZE = 12;
const CATCH_UP_PAGE = 100;
const STAFF_ROLES = new Set(['staff', 'admin']);
/** The legal moves staff can make (API.md); the server checks them anyway (409 otherwise). */
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

// Another tab logged in, out, or refreshed.
window.addEventListener('storage', (event) => {
  if (event.key !== SESSION_KEY) return;
  setSession(loadSession());
});

// ---------------------------------------------------------------------------------------------
// REST: JSON in and out, the API's one error shape, one retry after a refresh on 401.

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function api(path, { method = 'GET', body, headers = {}, auth = true } = {}) {
  const send = async () => {
    const allHeaders = { ...headers };
    if (body !== undefined) allHeaders['Content-Type'] = 'application/json';
    if (auth && session) allHeaders.Authorization = `Bearer ${await accessToken()}`;
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
  if (['cart', 'orders', 'staff'].includes(name) && !session) name = 'account';
  currentView = name;
  for (const section of document.querySelectorAll('main > section')) {
    section.hidden = section.id !== `view-${name}`;
  }
  for (const tab of document.querySelectorAll('[data-view]')) {
    if (tab.dataset.view === name) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  showAlert('');
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
}

async function onUserChanged() {
  renderSessionBar();
  disconnectNotifications();
  if (session) {
    connectNotifications();
    void loadCart();
    if (currentView === 'account') showView('catalog');
  } else {
    $('#cart-count').textContent = '0';
    if (currentView !== 'catalog') showView('account');
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

async function authenticate(path, body) {
  try {
    const auth = await api(path, { method: 'POST', body, auth: false });
    setSession(sessionFrom(auth));
    showView('catalog');
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

const catalog = { page: 1, q: '', category: '', totalPages: 0 };

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
  const list = $('#product-list');
  list.setAttribute('aria-busy', 'true');
  try {
    const page = await api(`/api/products?${params}`, { auth: false });
    catalog.totalPages = page.totalPages;
    list.replaceChildren(...page.items.map(productCard));
    $('#catalog-summary').textContent =
      page.total === 0
        ? 'No products match.'
        : `${page.total} product${page.total === 1 ? '' : 's'}`;
    $('#page-info').textContent = page.totalPages ? `Page ${page.page} of ${page.totalPages}` : '';
    $('#page-prev').disabled = page.page <= 1;
    $('#page-next').disabled = page.page >= page.totalPages;
  } catch (error) {
    showAlert(`Catalog: ${describeError(error)}`);
  } finally {
    list.removeAttribute('aria-busy');
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
  card.querySelector('.product-name').textContent = product.name;
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
  button.setAttribute('aria-label', `Add ${product.name} to cart`);
  button.addEventListener('click', () => void addToCart(product, button));
  return card;
}

$('#search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const values = Object.fromEntries(new FormData(event.target));
  catalog.q = String(values.q ?? '').trim();
  catalog.category = String(values.category ?? '');
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
// Cart and checkout.

async function addToCart(product, button) {
  if (!session) {
    showView('account');
    showAlert('Log in to add products to your cart.');
    return;
  }
  button.disabled = true;
  try {
    const cart = await api('/api/cart/items', {
      method: 'POST',
      body: { productId: product.id, quantity: 1 },
    });
    renderCart(cart);
    button.textContent = 'Added ✓';
    setTimeout(() => {
      button.textContent = 'Add to cart';
    }, 1_500);
  } catch (error) {
    showAlert(
      error instanceof ApiError && error.status === 409
        ? `Only ${error.body?.details?.available ?? 'a few'} of ${product.name} available.`
        : describeError(error),
    );
  } finally {
    button.disabled = false;
  }
}

async function loadCart() {
  if (!session) return;
  try {
    renderCart(await api('/api/cart'));
  } catch (error) {
    showAlert(`Cart: ${describeError(error)}`);
  }
}

function renderCart(cart) {
  $('#cart-count').textContent = String(cart.itemCount);
  const empty = cart.items.length === 0;
  $('#cart-empty').hidden = !empty;
  $('#cart-table').hidden = empty;
  $('#checkout-form').hidden = empty;
  $('#cart-subtotal').textContent = formatMoney(cart.subtotal, cart.currency);
  $('#cart-lines').replaceChildren(
    ...cart.items.map((line) => {
      const quantity = el('input', {
        type: 'number',
        min: 1,
        max: 999,
        value: line.quantity,
        'aria-label': `Quantity of ${line.product.name}`,
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
        'aria-label': `Remove ${line.product.name}`,
      });
      remove.addEventListener('click', () => {
        void cartAction(`/api/cart/items/${line.id}`, 'DELETE');
      });
      const issue = line.issue
        ? el('span', {
            class: 'issue',
            text: line.issue === 'unavailable' ? ' (no longer available)' : ' (not enough stock)',
          })
        : undefined;
      return el(
        'tr',
        { 'data-testid': 'cart-line', 'data-product-id': line.product.id },
        el('td', {}, line.product.name, issue),
        el('td', { text: formatMoney(line.product.price, line.product.currency) }),
        el('td', {}, quantity),
        el('td', { text: formatMoney(line.lineTotal, cart.currency) }),
        el('td', {}, remove),
      );
    }),
  );
  const fullName = $('#checkout-form input[name="fullName"]');
  if (!fullName.value && session) fullName.value = session.user.name;
}

async function cartAction(path, method, body) {
  try {
    const cart = await api(path, { method, body });
    if (cart) renderCart(cart);
    else await loadCart();
  } catch (error) {
    showAlert(describeError(error));
    await loadCart();
  }
}

/** One Idempotency-Key per checkout attempt; a resend of the same attempt reuses it. */
let checkoutAttempt; // {key, payload} while its outcome is unknown (network failure)

$('#checkout-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void checkout(event.target);
});

async function checkout(form) {
  const { notes, ...address } = formValues(form);
  address.country = address.country?.toUpperCase();
  const body = { shippingAddress: address, ...(notes ? { notes } : {}) };
  const payload = JSON.stringify(body);
  if (checkoutAttempt?.payload !== payload) {
    checkoutAttempt = { key: crypto.randomUUID(), payload };
  }
  const submit = form.querySelector('button[type="submit"]');
  submit.disabled = true;
  try {
    const order = await api('/api/orders', {
      method: 'POST',
      body,
      headers: { 'Idempotency-Key': checkoutAttempt.key },
    });
    checkoutAttempt = undefined;
    const result = $('#checkout-result');
    result.dataset.orderNumber = order.number;
    result.dataset.orderId = order.id;
    result.textContent = `Thank you! Order #${order.number} is placed: ${formatMoney(order.total, order.currency)}.`;
    result.hidden = false;
    form.reset();
    await loadCart();
    void catchUp(); // its `order_created` notification
  } catch (error) {
    // An answer from the server settles the attempt; a network failure leaves it open, so
    // pressing the button again resends it with the same key (never a second order).
    if (error instanceof ApiError) checkoutAttempt = undefined;
    showAlert(`Checkout: ${describeError(error)}`);
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
  return el(
    'tr',
    { 'data-testid': 'order-row', 'data-order-number': order.number, 'data-status': order.status },
    el('th', { scope: 'row', text: `#${order.number}` }),
    el('td', { class: 'when', text: formatDate(order.createdAt) }),
    el('td', { text: String(count) }),
    el('td', { text: formatMoney(order.total, order.currency) }),
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
}
void loadProducts();
document.documentElement.dataset.ready = 'true';
