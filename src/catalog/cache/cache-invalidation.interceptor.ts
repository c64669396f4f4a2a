import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, mergeMap, type Observable } from 'rxjs';
import { CatalogCache } from './catalog-cache.service.js';

const INVALIDATES = 'catalog:invalidates';

/** Declares the catalog cache namespaces a mutating handler invalidates when it succeeds. */
export const InvalidatesCache = (...namespaces: string[]): MethodDecorator =>
  SetMetadata(INVALIDATES, namespaces);

/**
 * Bumps the declared namespaces after the handler succeeded and before the response is sent,
 * so the client's very next read — on any instance — sees the change. A failed handler bumps
 * nothing.
 */
@Injectable()
export class CacheInvalidationInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly cache: CatalogCache,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const namespaces = this.reflector.get<string[] | undefined>(INVALIDATES, context.getHandler());
    if (!namespaces?.length) return next.handle();
    return next
      .handle()
      .pipe(
        mergeMap((result: unknown) => from(this.cache.invalidate(namespaces).then(() => result))),
      );
  }
}
