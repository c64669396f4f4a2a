import type { Socket } from 'socket.io-client';
import { closeSockets, connectSockets, mintAccessToken } from '../lib/sockets.js';

/** An `order_status_update` as a socket received it. */
export interface ReceivedPush {
  notificationId: string;
  orderId: string;
  newStatus: string;
  at: number;
}

/** One connection's life: when it was up, and what it received meanwhile. */
export interface Connection {
  userId: string | undefined;
  connectedAt: number;
  /** Infinity while still connected. */
  closedAt: number;
  pushes: ReceivedPush[];
  /** Set when the server ended the connection (the soak only ever closes its own). */
  droppedBy?: string;
}

/**
 * Socket.IO clients that connect to `/notifications`, stay a while, and leave — again and again
 * — so that connection set-up and tear-down run for the whole soak. Every connection is kept
 * with its lifetime and the pushes it received, for the delivery check.
 */
export class SocketChurn {
  readonly connections: Connection[] = [];
  connects = 0;
  failures: string[] = [];
  private readonly open = new Set<Socket>();
  private readonly sockets = new WeakMap<Connection, Socket>();

  constructor(private readonly url: string) {}

  /** Connects once with `token`; resolves with the connection record, or undefined on failure. */
  async connect(token: string, userId: string | undefined): Promise<Connection | undefined> {
    let socket: Socket;
    try {
      [socket] = await connectSockets(this.url, [token], 1, 10_000);
    } catch (error) {
      this.failures.push((error as Error).message);
      return undefined;
    }
    this.connects += 1;
    this.open.add(socket);
    const connection: Connection = {
      userId,
      connectedAt: performance.now(),
      closedAt: Number.POSITIVE_INFINITY,
      pushes: [],
    };
    socket.on(
      'order_status_update',
      (p: { notificationId: string; orderId: string; newStatus: string }) => {
        connection.pushes.push({ ...p, at: performance.now() });
      },
    );
    socket.on('disconnect', (reason: string) => {
      if (connection.closedAt === Number.POSITIVE_INFINITY) {
        connection.closedAt = performance.now();
        if (reason !== 'io client disconnect') connection.droppedBy = reason;
      }
      this.open.delete(socket);
    });
    this.sockets.set(connection, socket);
    this.connections.push(connection);
    return connection;
  }

  close(connection: Connection): void {
    const socket = this.sockets.get(connection);
    if (connection.closedAt === Number.POSITIVE_INFINITY) connection.closedAt = performance.now();
    socket?.close();
  }

  /**
   * Until `running()` turns false: connect, stay `stayMs()`, leave, pause `pauseMs()`; a minted
   * token each time (a stranger: receives nothing, costs the server a connection).
   */
  async background(
    secret: string,
    running: () => boolean,
    stayMs: () => number,
    pauseMs: () => number,
  ) {
    while (running()) {
      const connection = await this.connect(mintAccessToken(secret, 4 * 3600), undefined);
      await sleepWhile(running, stayMs());
      if (connection) this.close(connection);
      await sleepWhile(running, pauseMs());
    }
  }

  closeAll(): void {
    for (const c of this.connections) if (c.closedAt === Number.POSITIVE_INFINITY) this.close(c);
    closeSockets([...this.open]);
    this.open.clear();
  }

  /** Sockets open right now. */
  get openCount(): number {
    return this.open.size;
  }
}

/** Sleeps `ms`, waking early (every 250 ms at most) once `running()` is false. */
export async function sleepWhile(running: () => boolean, ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (running() && performance.now() < until)
    await new Promise((resolve) => setTimeout(resolve, Math.min(250, until - performance.now())));
}
