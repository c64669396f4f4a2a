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

const BEARER_JWT = /^bearer +([\w-]+)\.([\w-]+)\.([\w-]+)$/i;

/**
 * Whether a request with this `Authorization` header might be answered as staff on a public
 * (`@OptionalAuth`) route. `false` when there is no header, or when it is a bearer JWT whose
 * payload claims a role other than staff's: on a public route a bad token is ignored, so such a
 * caller gets the anonymous answer whether the token is valid or not, and the token need not be
 * verified to know it (the catalog's fast path serves signed-in customers this way, without the
 * Nest pipeline). `true` for a staff claim and for anything it cannot read: Nest decides those.
 */
export function mayBeStaff(authorization: string | undefined): boolean {
  if (authorization === undefined) return false;
  const payload = BEARER_JWT.exec(authorization)?.[2];
  if (payload === undefined) return true;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const role =
      typeof claims === 'object' && claims !== null
        ? (claims as { role?: unknown }).role
        : undefined;
    return typeof role !== 'string' || STAFF_ROLES.includes(role as Role);
  } catch {
    return true;
  }
}

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
