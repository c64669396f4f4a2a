import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { type AuthUser, isStaff } from '@/common/auth.js';
import { found } from '@/common/domain-error.js';
import { type Page, pageOf, resolvePage } from '@/common/pagination.js';
import type { PaymentDto } from '@/payments/dto/payment.dto.js';
import { PaymentsService } from '@/payments/payments.service.js';
import type { FilterOrdersQueryDto } from './dto/admin-orders.dto.js';
import type { OrderDto } from './dto/order.dto.js';
import { createdRange } from './order-list-filters.js';
import { OrderItem } from './order-item.entity.js';
import { OrderStatusHistory } from './order-status-history.entity.js';
import { Order } from './order.entity.js';

export function toOrderDto(
  order: Order,
  items: OrderItem[],
  history: OrderStatusHistory[],
  payment: PaymentDto,
): OrderDto {
  return {
    id: order.id,
    number: order.number,
    userId: order.userId,
    guestEmail: order.guestEmail,
    status: order.status,
    paymentStatus: order.paymentStatus,
    items: items.map((i) => ({
      productId: i.productId,
      variantId: i.variantId,
      sku: i.sku,
      name: i.name,
      variantName: i.variantName,
      unitPrice: i.unitPrice,
      quantity: i.quantity,
      lineTotal: i.lineTotal,
    })),
    subtotal: order.subtotal,
    shippingAmount: order.shippingAmount,
    taxAmount: order.taxAmount,
    discountAmount: order.discountAmount,
    couponCode: order.couponCode,
    total: order.total,
    currency: order.currency,
    shippingAddress: order.shippingAddress,
    billingAddress: order.billingAddress,
    notes: order.notes,
    trackingNumber: order.trackingNumber,
    history: history.map((h) => ({
      from: h.fromStatus,
      to: h.toStatus,
      at: h.at.toISOString(),
      by: h.byUserId,
      note: h.note,
    })),
    payment,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

/** Order reads: customers see their own orders only (someone else's is "not found"); staff see all. */
@Injectable()
export class OrdersQueryService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly payments: PaymentsService,
  ) {}

  /**
   * An order the actor may see. Its owner also gets the payment's client secret while the order
   * can be paid (the payment is created now if checkout could not reach the provider).
   */
  async getFor(actor: AuthUser, id: string): Promise<OrderDto> {
    const order = found(
      await this.db.manager.findOne(Order, {
        where: isStaff(actor) ? { id } : { id, userId: actor.id },
      }),
      'Order',
    );
    if (order.userId !== actor.id) return (await this.toDtos([order], this.db.manager))[0];
    return this.payerView(order);
  }

  /**
   * The order as the one who pays it sees it (its owner, or the holder of a guest order's
   * token): with the payment's client secret while the order can be paid.
   */
  async payerView(order: Order): Promise<OrderDto> {
    const [dto] = await this.toDtos([order], this.db.manager);
    const clientSecret = await this.payments.clientSecretFor(order);
    return clientSecret ? { ...dto, payment: { ...dto.payment, clientSecret } } : dto;
  }

  /** Any order, read through `manager` (inside a transaction: its own writes). */
  async get(id: string, manager: EntityManager = this.db.manager): Promise<OrderDto> {
    const order = found(await manager.findOne(Order, { where: { id } }), 'Order');
    return this.dtoOf(order, manager);
  }

  /**
   * The DTO of an order already loaded through `manager`: its lines, history and payment read.
   * With `items`, the order was placed in `manager`'s transaction and these are its lines: only
   * its history is read (it has no payment row yet: checkout makes it after commit).
   */
  async dtoOf(
    order: Order,
    manager: EntityManager = this.db.manager,
    items?: OrderItem[],
  ): Promise<OrderDto> {
    if (!items) return (await this.toDtos([order], manager))[0];
    const history = await manager.find(OrderStatusHistory, {
      where: { orderId: order.id },
      order: { id: 'ASC' },
    });
    return toOrderDto(order, items, history, this.payments.viewOfNewOrder(order));
  }

  /**
   * Newest first: a customer's own orders; staff see all and may filter by `userId`. Everyone may
   * narrow by `status`, `paymentStatus` and an inclusive `createdFrom`–`createdTo` range (served by
   * the indexes on `created_at`: `orders_created_idx`, and per user, status or payment status).
   */
  async list(actor: AuthUser, query: FilterOrdersQueryDto): Promise<Page<OrderDto>> {
    const { page, pageSize, offset } = resolvePage(query);
    const qb = this.db.manager
      .createQueryBuilder(Order, 'o')
      .orderBy('o.createdAt', 'DESC')
      .addOrderBy('o.id', 'DESC');
    if (!isStaff(actor)) qb.andWhere('o.userId = :me', { me: actor.id });
    else if (query.userId) qb.andWhere('o.userId = :userId', { userId: query.userId });
    if (query.status) qb.andWhere('o.status = :status', { status: query.status });
    if (query.paymentStatus)
      qb.andWhere('o.paymentStatus = :paymentStatus', { paymentStatus: query.paymentStatus });
    const { from, to } = createdRange(query.createdFrom, query.createdTo);
    if (from) qb.andWhere('o.createdAt >= :from', { from });
    if (to) qb.andWhere('o.createdAt <= :to', { to });
    const [orders, total] = await qb.skip(offset).take(pageSize).getManyAndCount();
    return pageOf(await this.toDtos(orders, this.db.manager), total, page, pageSize);
  }

  private async toDtos(orders: Order[], manager: EntityManager): Promise<OrderDto[]> {
    if (orders.length === 0) return [];
    const ids = orders.map((o) => o.id);
    const [items, history, payments] = await Promise.all([
      manager.find(OrderItem, { where: { orderId: In(ids) }, order: { position: 'ASC' } }),
      manager.find(OrderStatusHistory, { where: { orderId: In(ids) }, order: { id: 'ASC' } }),
      this.payments.viewsOf(orders, manager),
    ]);
    return orders.map((o, i) =>
      toOrderDto(
        o,
        items.filter((item) => item.orderId === o.id),
        history.filter((h) => h.orderId === o.id),
        payments[i],
      ),
    );
  }
}
