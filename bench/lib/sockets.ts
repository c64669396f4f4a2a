import { createHmac, randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';

export interface OrderStatusUpdate {
  orderId: string;
  newStatus: string;
}

const base64url = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * An HS256 access token as the app issues them (`sub`, `email`, `role`, `jti`), signed with the
 * run's JWT_SECRET: the bench generated that secret, so it can give the thousands of background
 * sockets an identity each without registering (and scrypt-hashing) thousands of users.
 */
export function mintAccessToken(secret: string, ttlS: number): string {
  const now = Math.floor(Date.now() / 1000);
  const id = randomUUID();
  const head = base64url({ alg: 'HS256', typ: 'JWT' });
  const body = base64url({
    sub: id,
    email: `socket-${id}@bench.test`,
    role: 'customer',
    jti: randomUUID(),
    iat: now,
    exp: now + ttlS,
  });
  const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

function connectOne(url: string, token: string, timeoutMs: number): Promise<Socket> {
  const socket = io(url, {
    auth: { token },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: timeoutMs,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: Error) => {
      socket.close();
      reject(new Error(`socket connect failed: ${error.message}`));
    });
  });
}

/**
 * Connects a socket per token to the `/notifications` namespace at `url`, `batch` handshakes at
 * a time (thousands at once would overflow the listen backlog and time out). Every one must
 * connect: the first failure closes the others and rejects.
 */
export async function connectSockets(
  url: string,
  tokens: readonly string[],
  batch: number,
  timeoutMs = 20_000,
): Promise<Socket[]> {
  const sockets: Socket[] = [];
  try {
    for (let start = 0; start < tokens.length; start += batch) {
      const slice = tokens.slice(start, start + batch);
      const settled = await Promise.allSettled(slice.map((t) => connectOne(url, t, timeoutMs)));
      for (const s of settled) if (s.status === 'fulfilled') sockets.push(s.value);
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
    }
    return sockets;
  } catch (error) {
    closeSockets(sockets);
    throw error;
  }
}

export function closeSockets(sockets: readonly Socket[]): void {
  for (const socket of sockets) socket.close();
}
