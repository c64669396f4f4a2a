import { randomUUID } from 'node:crypto';
import http from 'node:http';

/** One keep-alive agent for the bench's own (non-autocannon) requests. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export function request(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<HttpResponse> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}${path}`,
      { method, headers, agent, timeout: options.timeoutMs ?? 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.once('error', reject);
    req.end(payload);
  });
}

/** A request that must answer `expected`; anything else is an error naming the response. */
export async function expectStatus<T>(
  response: Promise<HttpResponse>,
  expected: number,
  what: string,
): Promise<T> {
  const res = await response;
  if (res.status !== expected) {
    throw new Error(`${what}: expected ${expected}, got ${res.status}: ${res.body.slice(0, 300)}`);
  }
  return (res.body ? JSON.parse(res.body) : undefined) as T;
}

export interface Session {
  userId: string;
  email: string;
  token: string;
}

export interface ProductRef {
  id: string;
  slug: string;
  stock: number;
}

export const SHIPPING_ADDRESS = {
  fullName: 'Bench Buyer',
  line1: '1 Loopback Road',
  city: 'Localhost',
  postalCode: '12345',
  country: 'US',
};

/** The few API calls the bench makes outside autocannon, typed by what it reads back. */
export class Api {
  constructor(readonly baseUrl: string) {}

  get(path: string, token?: string): Promise<HttpResponse> {
    return request(this.baseUrl, 'GET', path, { token });
  }

  async register(email: string, password: string): Promise<Session> {
    const body = await expectStatus<{ user: { id: string }; accessToken: string }>(
      request(this.baseUrl, 'POST', '/api/auth/register', {
        body: { email, password, name: 'Bench Buyer' },
      }),
      201,
      `register ${email}`,
    );
    return { userId: body.user.id, email, token: body.accessToken };
  }

  async login(email: string, password: string): Promise<Session> {
    const body = await expectStatus<{ user: { id: string }; accessToken: string }>(
      request(this.baseUrl, 'POST', '/api/auth/login', { body: { email, password } }),
      200,
      `login ${email}`,
    );
    return { userId: body.user.id, email, token: body.accessToken };
  }

  /** Active products with stock, `count` of them (at most 100, one page). */
  async products(count: number): Promise<ProductRef[]> {
    const page = await expectStatus<{ items: ProductRef[] }>(
      this.get(`/api/products?pageSize=${count}&inStock=true&sort=createdAt`),
      200,
      'list products',
    );
    return page.items.map(({ id, slug, stock }) => ({ id, slug, stock }));
  }

  async setStock(admin: Session, productId: string, stock: number): Promise<void> {
    await expectStatus(
      request(this.baseUrl, 'PATCH', `/api/products/${productId}`, {
        token: admin.token,
        body: { stock },
      }),
      200,
      `set stock of ${productId}`,
    );
  }

  clearCart(session: Session): Promise<HttpResponse> {
    return request(this.baseUrl, 'DELETE', '/api/cart', { token: session.token });
  }

  addToCart(session: Session, productId: string, quantity = 1): Promise<HttpResponse> {
    return request(this.baseUrl, 'POST', '/api/cart/items', {
      token: session.token,
      body: { productId, quantity },
    });
  }

  checkout(session: Session): Promise<HttpResponse> {
    return request(this.baseUrl, 'POST', '/api/orders', {
      token: session.token,
      body: { shippingAddress: SHIPPING_ADDRESS },
      headers: { 'idempotency-key': randomUUID() },
    });
  }

  moveOrder(staff: Session, orderId: string, status: string): Promise<HttpResponse> {
    return request(this.baseUrl, 'PATCH', `/api/orders/${orderId}/status`, {
      token: staff.token,
      body: { status },
    });
  }

  /** A cache counter from `/metrics`: `catalog_cache_requests_total{kind, result}`. */
  async cacheCounter(kind: string, result: string): Promise<number> {
    const res = await this.get('/metrics');
    const line = res.body
      .split('\n')
      .find(
        (l) =>
          l.startsWith('catalog_cache_requests_total{') &&
          l.includes(`kind="${kind}"`) &&
          l.includes(`result="${result}"`),
      );
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  }
}

/** Runs `task` over `items` with at most `limit` at a time. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
