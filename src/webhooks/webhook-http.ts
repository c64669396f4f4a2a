import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ForbiddenTargetError, forbiddenUrlReason, guardedLookup } from './webhook-target-guard.js';

export const DELIVERY_RESULTS = [
  'success',
  'http_error',
  'timeout',
  'network',
  'forbidden_address',
  'redirect',
] as const;
export type DeliveryResult = (typeof DELIVERY_RESULTS)[number];

export interface AttemptOutcome {
  result: DeliveryResult;
  /** The HTTP status, when the receiver answered. */
  statusCode?: number;
  /** What went wrong, for the delivery log. */
  error?: string;
  /** The start of the response body (at most {@link RESPONSE_CAPTURE_BYTES}), for the admin. */
  responseBody?: string;
  durationMs: number;
}

export const RESPONSE_CAPTURE_BYTES = 2048;

export interface PostOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** Aborts the request (the job expired, or the instance is stopping). */
  signal?: AbortSignal;
}

/** Text PostgreSQL can store (no NUL), at most `max` characters. */
const storable = (text: string, max: number): string => text.replaceAll('\u0000', '').slice(0, max);

/**
 * One webhook POST through `node:http(s)` (never `fetch`: it follows redirects and has no
 * `lookup` hook). Every resolved address is checked by the SSRF guard and the socket connects to
 * that checked address; an IP literal is checked up front (it is never looked up). Redirects are
 * not followed (a 3xx is a failure). One timeout covers connecting, sending and the answer; only
 * the first 2 KiB of the answer are read. Never throws: the outcome says what happened.
 */
export function postWebhook(
  target: string,
  body: string,
  headers: Record<string, string>,
  options: PostOptions,
): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(target);
  const refused = forbiddenUrlReason(url, options.allowPrivate);
  if (refused)
    return Promise.resolve({
      result: 'forbidden_address',
      error: `forbidden target: ${refused}`,
      durationMs: 0,
    });
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<AttemptOutcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...outcome, durationMs: elapsed() });
    };
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'shop-api-webhooks/1',
        ...headers,
      },
      lookup: guardedLookup(options.allowPrivate),
      agent: false,
      signal,
    });
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const text = storable(Buffer.concat(chunks).toString('utf8'), RESPONSE_CAPTURE_BYTES);
        res.destroy();
        if (status >= 200 && status < 300)
          return finish({ result: 'success', statusCode: status, responseBody: text });
        if (status >= 300 && status < 400)
          return finish({
            result: 'redirect',
            statusCode: status,
            error: `redirect (${status}) not followed`,
            responseBody: text,
          });
        finish({
          result: 'http_error',
          statusCode: status,
          error: `HTTP ${status}`,
          responseBody: text,
        });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= RESPONSE_CAPTURE_BYTES) done();
      });
      res.on('end', done);
      // The answer was cut off after the status line: what we have is what we report.
      res.on('error', done);
      res.on('aborted', done);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof ForbiddenTargetError || error.code === 'EFORBIDDENTARGET')
        return finish({ result: 'forbidden_address', error: storable(error.message, 500) });
      if (timeout.aborted)
        return finish({ result: 'timeout', error: `timeout after ${options.timeoutMs} ms` });
      if (signal.aborted)
        return finish({ result: 'network', error: 'aborted: the job was stopped' });
      finish({ result: 'network', error: storable(error.code ?? error.message, 500) });
    });
    req.end(body);
  });
}
