import {
  createParamDecorator,
  type ExecutionContext,
  SetMetadata,
  applyDecorators,
} from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import { ApiErrors, OPTIONAL_AUTH_EXTENSION } from './openapi.js';

/**
 * The roles a user can hold. They live here, not in accounts, because every module's guards and
 * services read them from the token and `common/` imports no feature module.
 */
export const ROLES = ['customer', 'staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated caller, as carried by the access token. */
export interface AuthUser {
  id: string;
  email: string;
  role: Role;
}

export const IS_PUBLIC = 'auth:isPublic';
export const REQUIRED_ROLES = 'auth:roles';

/** Opens a route to anonymous callers (routes are authenticated by default). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * Public, but a token is read when one is sent (staff see inactive items and staff fields):
 * documented as optional bearer auth.
 */
export const OptionalAuth = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(IS_PUBLIC, true),
    ApiBearerAuth(),
    ApiExtension(OPTIONAL_AUTH_EXTENSION, true),
  );

/** Restricts a route to the given roles (and documents the 401/403 it can answer). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(REQUIRED_ROLES, roles), ApiBearerAuth(), ApiErrors(401, 403));

/** Staff and admins: the roles that run the shop. */
export const STAFF_ROLES: readonly Role[] = ['staff', 'admin'];
export const isStaff = (user: Pick<AuthUser, 'role'> | undefined): boolean =>
  user !== undefined && STAFF_ROLES.includes(user.role);

/** Injects the authenticated caller. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  const request = ctx.switchToHttp().getRequest<{ user: AuthUser }>();
  return request.user;
});

/** Injects the caller when a token was sent to a public route, else `undefined`. */
export const OptionalUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthUser | undefined => {
    const request = ctx.switchToHttp().getRequest<{ user?: AuthUser }>();
    return request.user ?? undefined;
  },
);
