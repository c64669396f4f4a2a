import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

/** Route config flag: the JSON parser keeps this route's body text as it arrived. */
export const RAW_BODY_ROUTE_FLAG = 'keepsRawBody';

/**
 * Marks a route whose handler needs the exact bytes of its JSON body (a signature computed over
 * them, as Stripe's webhooks are). Only marked routes keep it: no other request holds its body
 * twice in memory.
 */
export const KeepsRawBody = (): MethodDecorator => RouteConfig({ [RAW_BODY_ROUTE_FLAG]: true });

const RAW = Symbol('rawBody');
type WithRawBody = FastifyRequest & { [RAW]?: string };

/** Called by the JSON parser: keeps `text` when the matched route asked for it. */
export function keepRawBody(request: FastifyRequest, text: string): void {
  const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
  if (config?.[RAW_BODY_ROUTE_FLAG] === true) (request as WithRawBody)[RAW] = text;
}

/** The body text a {@link KeepsRawBody} route received (`undefined`: no body). */
export const rawBodyOf = (request: FastifyRequest): string | undefined =>
  (request as WithRawBody)[RAW];
