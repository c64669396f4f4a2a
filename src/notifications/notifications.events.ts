/** What the server pushes on the `/notifications` namespace (API.md). */
export interface OrderStatusUpdatePayload {
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
  userId: string;
  total: number;
  currency: string;
  timestamp: string;
}

export interface ServerToClientEvents {
  order_status_update: (payload: OrderStatusUpdatePayload) => void;
  order_created: (payload: OrderCreatedPayload) => void;
  /** Sent just before the server disconnects a socket whose access token expired. */
  token_expired: (payload: { reason: string }) => void;
}

export const staffRoom = 'staff';
export const userRoom = (userId: string): string => `user:${userId}`;
