import type { OrderStatus } from '@/orders/order-state-machine.js';

/** The human message a customer reads for each status their order moves to. */
export function statusMessage(
  orderNumber: string,
  status: OrderStatus,
): { title: string; message: string } {
  const order = `Order #${orderNumber}`;
  switch (status) {
    case 'pending':
      return {
        title: `${order} received`,
        message: `${order} was received and is awaiting confirmation.`,
      };
    case 'confirmed':
      return {
        title: `${order} confirmed`,
        message: `${order} is confirmed and your payment was accepted.`,
      };
    case 'processing':
      return {
        title: `${order} is being prepared`,
        message: `${order} is being picked and packed.`,
      };
    case 'shipped':
      return { title: `${order} shipped`, message: `${order} is on its way.` };
    case 'delivered':
      return { title: `${order} delivered`, message: `${order} was delivered. Enjoy!` };
    case 'refunded':
      return { title: `${order} refunded`, message: `${order} was refunded.` };
    case 'cancelled':
      return { title: `${order} cancelled`, message: `${order} was cancelled.` };
  }
}
