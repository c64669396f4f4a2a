/** What the server pushes on the `/notifications` namespace (docs/api/README.md). */
export interface OrderStatusUpdatePayload {
  /** The stored notification; empty for a guest order (a guest has no notification list). */
  notificationId: string;
  orderId: string;
  orderNumber: string;
  oldStatus: string;
  newStatus: string;
  message: string;
  timestamp: string;
}

export interface OrderCreatedPayload {
  orderId: string;
  orderNumber: string;
  /** `null` for a guest order. */
  userId: string | null;
  total: number;
  currency: string;
  timestamp: string;
}

export interface ServerToClientEvents {
  order_status_update: (payload: OrderStatusUpdatePayload) => void;
  order_created: (payload: OrderCreatedPayload) => void;
  /** Sent just before the server disconnects a socket whose access token expired. */
  token_expired: (payload: { reason: string }) => void;
  /**
   * Sent to every socket of an instance that is shutting down, just before it closes them: the
   * client should reconnect (a load balancer sends it to another instance) and catch up with
   * `GET /api/notifications?after=<last id>`. The socket then sees `disconnect` with the reason
   * "transport close", after which socket.io-client reconnects by itself.
   */
  server_shutdown: (payload: { reconnect: true; reason: string }) => void;
  /**
   * Sent to a user's oldest socket when a new one takes them over `SOCKETS_PER_USER`, just
   * before the server disconnects it: the socket sees `disconnect` with the reason
   * "io server disconnect", after which socket.io-client does not reconnect by itself (it would
   * push the next oldest out, and so on).
   */
  session_limit: (payload: { reconnect: false; limit: number; reason: string }) => void;
}

export const staffRoom = 'staff';
export const userRoom = (userId: string): string => `user:${userId}`;
/** A guest order's room: the sockets that showed its order token (status changes only). */
export const orderRoom = (orderId: string): string => `order:${orderId}`;
