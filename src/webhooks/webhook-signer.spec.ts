import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, signatureHeaders } from './webhook-signer.js';

describe('signatureHeaders', () => {
  const body = JSON.stringify({ id: 'evt', type: 'order.created', data: { total: 4200 } });
  const deliveryId = '0b6b6c2e-8b1e-4b8e-9a55-3f5f3c1e2a10';

  it('verifies with the standardwebhooks package, and not with another secret or body', () => {
    const secret = newWebhookSecret();
    const headers = signatureHeaders(deliveryId, body, [secret]);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(newWebhookSecret()).verify(body, { ...headers })).toThrow(
      /No matching signature/,
    );
    expect(() => new Webhook(secret).verify(`${body} `, { ...headers })).toThrow(
      /No matching signature/,
    );
  });

  it('signs with both secrets during a rotation: either one verifies', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const headers = signatureHeaders(deliveryId, body, [current, previous]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(current).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(previous).verify(body, { ...headers })).not.toThrow();
  });

  it('uses a stable id without dots and the attempt time as the timestamp', () => {
    const at = new Date('2026-12-07T06:34:25.136Z');
    const headers = signatureHeaders(deliveryId, body, [newWebhookSecret()], at);
    expect(headers['webhook-id']).toBe(`msg_${deliveryId}`);
    expect(headers['webhook-id']).not.toContain('.');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(at.getTime() / 1000)));
  });

  it('makes secrets of 32 random bytes in the whsec_ format', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });
});
