import { type BeforeApplicationShutdown, Inject, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import {
  type OnGatewayConnection,
  type OnGatewayInit,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Namespace, RemoteSocket, Socket } from 'socket.io';
import type { AccessTokenClaims } from '@/accounts/tokens.service.js';
import { isStaff } from '@/common/auth.js';
import type { AppConfig } from '@/config/app-config.js';
import { APP_CONFIG } from '@/config/config.module.js';
import { GuestOrdersService } from '@/orders/guest-orders.service.js';
import {
  type ClientToServerEvents,
  HANDSHAKE_REFUSED,
  NOTIFICATIONS_NAMESPACE,
  orderRoom,
  type ServerToClientEvents,
  staffRoom,
  userRoom,
} from './socket-events.js';
import { oldestBeyond } from './socket-limit.js';

/**
 * A signed-in socket (`userId`, `role`), or a guest's, which holds an order token and follows that
 * order only (`orderId`). `capRoom` is the room whose sockets count towards `SOCKETS_PER_USER`:
 * the user's, or for a guest the order's.
 */
interface SocketData {
  userId: string | null;
  role: AccessTokenClaims['role'] | null;
  orderId: string | null;
  capRoom: string;
}
type NoEvents = Record<string, never>;
/** Typed by the event map of socket-events.ts: an emit of an unknown event or shape fails tsc. */
type NotificationsNamespace = Namespace<
  ClientToServerEvents,
  ServerToClientEvents,
  NoEvents,
  SocketData
>;
type NotificationsSocket = Socket<ClientToServerEvents, ServerToClientEvents, NoEvents, SocketData>;

/** How long counting a user's sockets on the other instances may take; then this one counts alone. */
const CLUSTER_COUNT_TIMEOUT_MS = 2_000;

/** How long a shutdown waits for the `server_shutdown` hint to reach the sockets. */
const SHUTDOWN_HINT_MS = 1_000;

/**
 * The handshake token: `auth: {token}` (browsers, `HandshakeAuth` in socket-events.ts), or an
 * `Authorization: Bearer` header. The scheme is case-insensitive (RFC 7235), as for the HTTP API.
 */
function handshakeToken(socket: Socket): string | undefined {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string' && auth.token) return auth.token.replace(/^Bearer\s+/i, '');
  return /^Bearer\s+(\S+)$/i.exec(socket.handshake.headers.authorization ?? '')?.[1];
}

/** A guest's order token: `auth: {orderToken}` (from `checkoutGuestCart`). */
function handshakeOrderToken(socket: Socket): string | undefined {
  const auth = socket.handshake.auth as { orderToken?: unknown } | undefined;
  return typeof auth?.orderToken === 'string' && auth.orderToken ? auth.orderToken : undefined;
}

/**
 * `/notifications`: authenticates the handshake's access token and joins the socket to its own
 * user's room (and `staff` for staff) in the namespace middleware — before `connect` fires, so
 * nothing emitted after `connect` is missed. A guest's handshake carries an order token instead
 * (`auth: {orderToken}`) and joins that order's room only: its status changes, nothing else; a
 * wrong token is refused like a bad access token. Guest sockets are capped per order. A socket is disconnected when its token expires;
 * the client reconnects with a fresh one. A user keeps at most `SOCKETS_PER_USER` sockets (one
 * stolen token must not hold thousands). No business logic here: modules call {@link sendTo}.
 * What goes over the wire is socket-events.ts (and asyncapi.json, generated from it).
 */
@WebSocketGateway({ namespace: NOTIFICATIONS_NAMESPACE })
export class NotificationsGateway
  implements
    OnGatewayInit<NotificationsNamespace>,
    OnGatewayConnection<NotificationsSocket>,
    BeforeApplicationShutdown
{
  @WebSocketServer()
  private readonly namespace!: NotificationsNamespace;

  private readonly logger = new Logger(NotificationsGateway.name);

  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly guestOrders: GuestOrdersService,
  ) {}

  afterInit(namespace: NotificationsNamespace): void {
    namespace.use((socket: NotificationsSocket, next) => {
      const orderToken = handshakeOrderToken(socket);
      if (orderToken !== undefined && !handshakeToken(socket)) {
        void this.admitGuest(socket, orderToken).then(
          (admitted) => next(admitted ? undefined : new Error(HANDSHAKE_REFUSED)),
          () => next(new Error(HANDSHAKE_REFUSED)),
        );
        return;
      }
      const token = handshakeToken(socket);
      let claims: AccessTokenClaims & { exp?: number };
      try {
        if (!token) throw new Error('no token');
        claims = this.jwt.verify<AccessTokenClaims & { exp?: number }>(token, {
          algorithms: ['HS256'],
        });
      } catch {
        next(new Error(HANDSHAKE_REFUSED));
        return;
      }
      void socket.join(userRoom(claims.sub));
      if (isStaff({ role: claims.role })) void socket.join(staffRoom);
      socket.data = {
        userId: claims.sub,
        role: claims.role,
        orderId: null,
        capRoom: userRoom(claims.sub),
      };
      if (claims.exp) this.disconnectAtExpiry(socket, claims.exp * 1000);
      next();
    });
  }

  /** Joins a guest's socket to the room of the order its token opens; false: no such order. */
  private async admitGuest(socket: NotificationsSocket, orderToken: string): Promise<boolean> {
    const orderId = await this.guestOrders.orderIdOfToken(orderToken);
    if (!orderId) return false;
    await socket.join(orderRoom(orderId));
    socket.data = { userId: null, role: null, orderId, capRoom: orderRoom(orderId) };
    return true;
  }

  /** The socket is connected and in its rooms: its arrival may push the oldest of its room out. */
  handleConnection(socket: NotificationsSocket): void {
    void this.closeOldestBeyondCap(socket.data.capRoom);
  }

  /**
   * Keeps the user's `SOCKETS_PER_USER` newest sockets and disconnects the others, oldest first,
   * after telling them why (`session_limit`). Counted on every instance: with the Redis adapter
   * `fetchSockets` asks them all (one request per connection, answered with that user's room
   * only; none with a single instance); if they cannot answer (Redis away), this instance's
   * sockets are counted alone. Each new socket counts after joining its room, so the last of a
   * burst sees all the others and the count settles at the cap. The server disconnects without
   * closing the transport, so socket.io-client does not reconnect the evicted socket (which
   * would push out the next).
   */
  private async closeOldestBeyondCap(room: string): Promise<void> {
    const cap = this.config.socketsPerUser;
    try {
      const sockets = await this.userSockets(room);
      const surplus = oldestBeyond(sockets, cap);
      if (surplus.length === 0) return;
      this.logger.log(`${room} is over ${cap} sockets: closing the ${surplus.length} oldest`);
      for (const socket of surplus) {
        socket.emit('session_limit', {
          reconnect: false,
          limit: cap,
          reason: `more than ${cap} connections for this ${room.startsWith('order:') ? 'guest order' : 'account'}: the oldest is closed`,
        });
        socket.disconnect();
      }
    } catch (error) {
      this.logger.warn(`socket limit not enforced for ${room}: ${(error as Error).message}`);
    }
  }

  /** The room's sockets on every instance, or on this one if the others do not answer in time. */
  private async userSockets(
    room: string,
  ): Promise<Array<RemoteSocket<ServerToClientEvents, SocketData>>> {
    let timer: NodeJS.Timeout | undefined;
    // The adapter's own request timeout (5 s) does not cover a Redis that hangs without failing.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), CLUSTER_COUNT_TIMEOUT_MS);
      timer.unref();
    });
    try {
      return await Promise.race([this.namespace.in(room).fetchSockets(), deadline]);
    } catch {
      return this.namespace.local.in(room).fetchSockets();
    } finally {
      clearTimeout(timer);
    }
  }

  /** Emits to the union of `rooms` on every instance (a socket in several rooms gets it once). */
  sendTo<E extends keyof ServerToClientEvents>(
    rooms: string[],
    event: E,
    ...payload: Parameters<ServerToClientEvents[E]>
  ): void {
    this.namespace.to(rooms).emit(event, ...payload);
  }

  private disconnectAtExpiry(socket: NotificationsSocket, expiresAt: number): void {
    // setTimeout holds at most ~24.8 days; tokens that live longer are re-checked then.
    const delay = Math.min(Math.max(expiresAt - Date.now(), 0), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      if (Date.now() < expiresAt) return this.disconnectAtExpiry(socket, expiresAt);
      socket.emit('token_expired', {
        reason: 'access token expired: reconnect with a fresh token',
      });
      socket.disconnect(true);
    }, delay);
    timer.unref();
    socket.once('disconnect', () => clearTimeout(timer));
  }

  /**
   * On shutdown (before the HTTP server closes): tells this instance's sockets to reconnect, then
   * closes their connections once the hint is written (engine.io's close waits for its write
   * buffer), so clients see a "transport close" and reconnect — elsewhere, or here once restarted.
   */
  async beforeApplicationShutdown(): Promise<void> {
    // No namespace in a standalone context (the CLIs): there is no server, so no sockets.
    const sockets = this.namespace ? [...this.namespace.sockets.values()] : [];
    if (sockets.length === 0) return;
    this.logger.log(`shutting down: telling ${sockets.length} socket(s) to reconnect`);
    this.namespace.local.emit('server_shutdown', {
      reconnect: true,
      reason: 'server shutting down: reconnect, then catch up with GET /api/notifications?after=',
    });
    const closed = sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.conn.readyState === 'closed') return resolve();
          socket.conn.once('close', () => resolve());
          socket.conn.close();
        }),
    );
    await Promise.race([
      Promise.all(closed),
      new Promise((resolve) => setTimeout(resolve, SHUTDOWN_HINT_MS).unref()),
    ]);
  }

  /** Sockets connected to this instance (metrics, tests). */
  get localSocketCount(): number {
    return this.namespace.sockets.size;
  }
}
