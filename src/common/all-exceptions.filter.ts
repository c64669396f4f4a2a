import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimitedError } from './domain-error.js';
import { toErrorBody } from './error-response.js';

/** Maps every exception of an HTTP request to the one error shape. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = toErrorBody(exception, String(request.id));
    if (body.statusCode === 503) void reply.header('retry-after', '5');
    if (exception instanceof RateLimitedError)
      void reply.header('retry-after', String(exception.retryAfterSeconds));
    void reply.status(body.statusCode).type('application/json; charset=utf-8').send(body);
  }
}
