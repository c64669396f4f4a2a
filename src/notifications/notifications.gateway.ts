import { type BeforeApplicationShutdown, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { type OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import type { AccessTokenClaims } from '@/accounts/tokens.service.js';
import { isStaff } from '@/common/auth.js';
import { type ServerToClientEvents, staffRoom, userRoom } from './notifications.events.js';

type NotificationsNamespace = Namespace<Record<string, never>, ServerToClientEvents>;
type NotificationsSocket = Socket<Record<string, never>, ServerToClientEvents>;

/** How long a shutdown waits for the `server_shutdown` hint to reach the sockets. */
const SHUTDOWN_HINT_MS = 1_000;

/**
 * The handshake token: `auth: {token}` (browsers), or an `Authorization: Bearer` header. The
 * scheme is case-insensitive (RFC 7235), as for the HTTP API.
 */
function handshakeToken(socket: Socket): string | undefined {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string' && auth.token) return auth.token.replace(/^Bearer\s+/i, '');
  return /^Bearer\s+(\S+)$/i.exec(socket.handshake.headers.authorization ?? '')?.[1];
}

/**
 * `/notifications`: authenticates the handshake's access token and joins the socket to its own
 * user's room (and `staff` for staff) in the namespace middleware — before `connect` fires, so
 * nothing emitted after `connect` is missed. A socket is disconnected when its token expires;
 * the client reconnects with a fresh one. No business logic here: modules call {@link sendTo}.
 */
@WebSocketGateway({ namespace: '/notifications' })
export class NotificationsGateway
  implements OnGatewayInit<NotificationsNamespace>, BeforeApplicationShutdown
{
  @WebSocketServer()
  private readonly namespace!: NotificationsNamespace;

  private readonly logger = new Logger(NotificationsGateway.name);

  constructor(private readonly jwt: JwtService) {}

  afterInit(namespace: NotificationsNamespace): void {
    namespace.use((socket: NotificationsSocket, next) => {
      const token = handshakeToken(socket);
      let claims: AccessTokenClaims & { exp?: number };
      try {
        if (!token) throw new Error('no token');
        claims = this.jwt.verify<AccessTokenClaims & { exp?: number }>(token, {
          algorithms: ['HS256'],
        });
      } catch {
        next(new Error('unauthorized'));
        return;
      }
      void socket.join(userRoom(claims.sub));
      if (isStaff({ role: claims.role })) void socket.join(staffRoom);
      socket.data = { userId: claims.sub, role: claims.role };
      if (claims.exp) this.disconnectAtExpiry(socket, claims.exp * 1000);
      next();
    });
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
