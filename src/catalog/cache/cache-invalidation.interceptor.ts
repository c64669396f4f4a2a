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
import type { DeclaredCatalogWrite } from './catalog-writes.js';

const INVALIDATES = 'catalog:invalidates';

/**
 * Declares which catalog write (a row of `CATALOG_WRITES`) a mutating handler makes; its
 * namespaces are bumped when the handler succeeds.
 */
export const InvalidatesCache = (write: DeclaredCatalogWrite): MethodDecorator =>
  SetMetadata(INVALIDATES, write);

/**
 * Bumps the declared write's namespaces after the handler succeeded (its transaction committed)
 * and before the response is sent, so the client's very next read — on any instance — sees the
 * change. A failed handler bumps nothing.
 */
@Injectable()
export class CacheInvalidationInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly cache: CatalogCache,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const write = this.reflector.get<DeclaredCatalogWrite | undefined>(
      INVALIDATES,
      context.getHandler(),
    );
    if (!write) return next.handle();
    return next
      .handle()
      .pipe(mergeMap((result: unknown) => from(this.cache.bump(write).then(() => result))));
  }
}
