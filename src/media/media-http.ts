import multipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '@/common/domain-error.js';
import { toErrorBody } from '@/common/error-response.js';
import type { AppConfig } from '@/config/app-config.js';
import { MULTIPART_ROUTE_FLAG } from './image-upload.js';
import {
  contentTypeOfKey,
  isMediaKey,
  MEDIA_STORAGE,
  MEDIA_URL_PREFIX,
  type MediaStorage,
} from './media-storage.js';

const isMultipartRequest = (request: FastifyRequest): boolean =>
  request.method !== 'GET' &&
  request.method !== 'HEAD' &&
  /^multipart\/form-data\b/i.test(request.headers['content-type'] ?? '');

function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const body = toErrorBody(error, String(request.id));
  return reply.status(body.statusCode).type('application/json; charset=utf-8').send(body);
}

/**
 * The HTTP side of media: `multipart/form-data` parsing, accepted only by the routes marked
 * with `@AcceptsMultipart()` (every other route answers it 415, as before), and `GET /media/:key`
 * serving stored files with the type they were stored as, `nosniff`, and a CSP that lets no
 * stored file run anything even if opened as a document.
 */
export async function registerMediaHttp(
  app: NestFastifyApplication,
  config: Pick<AppConfig, 'mediaMaxBytes'>,
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  await app.register(multipart, {
    limits: { fileSize: config.mediaMaxBytes, files: 1, fields: 10, parts: 11 },
  });
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    const routeConfig = request.routeOptions.config as unknown as
      Record<string, unknown> | undefined;
    const matched = request.routeOptions.url !== undefined; // unmatched routes stay 404s
    if (matched && isMultipartRequest(request) && routeConfig?.[MULTIPART_ROUTE_FLAG] !== true) {
      // The same error Fastify raises for any other unsupported body type.
      const error = Object.assign(new Error('Unsupported Media Type'), {
        statusCode: 415,
        code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      });
      return done(error, payload);
    }
    done(null, payload);
  });

  const storage = app.get<MediaStorage>(MEDIA_STORAGE);
  const serve = async (
    request: FastifyRequest<{ Params: { key: string } }>,
    reply: FastifyReply,
  ): Promise<FastifyReply> => {
    const { key } = request.params;
    const type = contentTypeOfKey(key);
    const file = isMediaKey(key) && type ? await storage.open(key) : undefined;
    void reply.header('x-content-type-options', 'nosniff');
    if (!file || !type) return sendError(request, reply, new NotFoundError('Media file'));
    return (
      reply
        .type(type)
        .header('content-length', file.size)
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('content-disposition', 'inline')
        // Keys are random and never reused: the bytes under one never change.
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(file.stream)
    );
  };
  fastify.route({
    method: 'GET',
    url: `${MEDIA_URL_PREFIX}:key`,
    handler: serve,
    // A route registered before Nest's init keeps Fastify's default error handler, whose body
    // lacks the request id: a hook's error here (e.g. a NUL byte in the key) gets the one shape.
    errorHandler: (error, request, reply) => {
      void sendError(request, reply, error);
    },
  });
}
