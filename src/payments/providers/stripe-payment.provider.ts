import Stripe from 'stripe';
import type { PaymentsConfig } from '@/config/app-config.js';
import type { PaymentRecordStatus } from '../payment.entity.js';
import type {
  PayableOrder,
  PaymentProvider,
  ProviderEvent,
  ProviderPayment,
  ProviderRefund,
} from '../payment-provider.js';
import { InvalidSignatureError, PaymentProviderError } from '../payments.errors.js';

/** Seconds a webhook's signed timestamp may be old (Stripe's own default): replays are refused. */
const SIGNATURE_TOLERANCE_SECONDS = 300;

/** Where the SDK sends its requests: api.stripe.com, or `STRIPE_API_URL` (tests, proxies). */
function endpointOf(apiUrl: string | undefined): Partial<Stripe.StripeConfig> {
  if (!apiUrl) return {};
  const url = new URL(apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return {
    host: url.hostname,
    port: url.port || (protocol === 'http' ? 80 : 443),
    protocol,
  };
}

const STATUS_OF: Partial<Record<Stripe.PaymentIntent.Status, PaymentRecordStatus>> = {
  succeeded: 'succeeded',
  canceled: 'canceled',
};

const referenceOf = (value: string | { id: string } | null): string | undefined =>
  typeof value === 'string' ? value : (value?.id ?? undefined);

/** A refusal Stripe will repeat (bad request, card declined) rather than a passing outage. */
export const isDefinitiveStripeError = (error: unknown): boolean =>
  error instanceof Stripe.errors.StripeInvalidRequestError ||
  error instanceof Stripe.errors.StripeCardError;

/**
 * Card payments through Stripe PaymentIntents (the official SDK). The intent is created at
 * checkout for the order's total and currency, with the order id in its metadata and an
 * idempotency key made of the order id: however often checkout or a read retries, Stripe answers
 * the same intent. The customer's browser confirms it with Stripe.js and its client secret;
 * Stripe tells the shop the outcome through signed webhooks.
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe';
  readonly paysOnline = true;
  private readonly stripe: Stripe;
  private readonly webhookSecret: string;

  constructor(config: PaymentsConfig) {
    // loadConfig refuses `stripe` without both secrets.
    this.stripe = new Stripe(config.stripeSecretKey ?? '', {
      ...endpointOf(config.stripeApiUrl),
      maxNetworkRetries: 2,
      timeout: 15_000,
      telemetry: false,
    });
    this.webhookSecret = config.stripeWebhookSecret ?? '';
  }

  async createPayment(order: PayableOrder): Promise<ProviderPayment> {
    const intent = await this.call(() =>
      this.stripe.paymentIntents.create(
        {
          amount: order.total,
          currency: order.currency.toLowerCase(),
          metadata: { orderId: order.id, orderNumber: order.number },
          automatic_payment_methods: { enabled: true },
        },
        { idempotencyKey: `order-${order.id}-payment` },
      ),
    );
    return this.toPayment(intent);
  }

  async retrievePayment(reference: string): Promise<ProviderPayment> {
    return this.toPayment(await this.call(() => this.stripe.paymentIntents.retrieve(reference)));
  }

  async refund(
    reference: string | null,
    refund: { id: string; amount: number; reason: string | null },
  ): Promise<ProviderRefund> {
    if (!reference) throw new PaymentProviderError('the payment has no PaymentIntent', true);
    const made = await this.call(() =>
      this.stripe.refunds.create(
        {
          payment_intent: reference,
          amount: refund.amount,
          metadata: { refundId: refund.id, ...(refund.reason ? { reason: refund.reason } : {}) },
        },
        { idempotencyKey: `refund-${refund.id}` },
      ),
    );
    return { reference: made.id };
  }

  async cancel(reference: string): Promise<void> {
    const intent = await this.call(() => this.stripe.paymentIntents.retrieve(reference));
    if (intent.status === 'canceled' || intent.status === 'succeeded') return;
    await this.call(() =>
      this.stripe.paymentIntents.cancel(
        reference,
        { cancellation_reason: 'abandoned' },
        { idempotencyKey: `cancel-${reference}` },
      ),
    );
  }

  parseEvent(rawBody: string, signature: string | undefined): ProviderEvent {
    if (!signature) throw new InvalidSignatureError('no Stripe-Signature header');
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(
        rawBody,
        signature,
        this.webhookSecret,
        SIGNATURE_TOLERANCE_SECONDS,
      );
    } catch (error) {
      throw new InvalidSignatureError((error as Error).message.split('\n')[0] ?? 'bad signature');
    }
    // Only these types matter to the shop; every other one is acknowledged and ignored.
    if (event.type === 'payment_intent.succeeded') {
      const intent = event.data.object;
      return {
        id: event.id,
        type: event.type,
        kind: 'succeeded',
        reference: intent.id,
        orderId: intent.metadata?.orderId,
        amountReceived: intent.amount_received,
      };
    }
    if (event.type === 'payment_intent.payment_failed') {
      const intent = event.data.object;
      return {
        id: event.id,
        type: event.type,
        kind: 'failed',
        reference: intent.id,
        orderId: intent.metadata?.orderId,
        failureMessage: intent.last_payment_error?.message ?? null,
      };
    }
    if (event.type === 'charge.refunded') {
      const charge = event.data.object;
      const reference = referenceOf(charge.payment_intent);
      if (reference)
        return {
          id: event.id,
          type: event.type,
          kind: 'refunded',
          reference,
          orderId: charge.metadata?.orderId,
          amountReceived: charge.amount_captured,
          amountRefunded: charge.amount_refunded,
        };
    }
    return { id: event.id, type: event.type, kind: 'ignored' };
  }

  private toPayment(intent: Stripe.PaymentIntent): ProviderPayment {
    const status = STATUS_OF[intent.status] ?? 'pending';
    return {
      reference: intent.id,
      status,
      clientSecret: status === 'pending' ? intent.client_secret : null,
    };
  }

  /** Stripe's refusals as a typed error (502), with Stripe's own message. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof Stripe.errors.StripeError) {
        throw new PaymentProviderError(error.message, isDefinitiveStripeError(error));
      }
      throw error;
    }
  }
}
