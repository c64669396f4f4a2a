import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthUser } from '@/common/auth.js';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import type { AccessTokenClaims } from './tokens.service.js';
import { ROLES } from './user.entity.js';

/** Verifies bearer access tokens: HS256 only (so `alg: none` and key confusion fail), expiry enforced. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@InjectConfig() config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwtSecret,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  validate(claims: Partial<AccessTokenClaims>): AuthUser | false {
    const { sub, email, role } = claims;
    if (
      typeof sub !== 'string' ||
      typeof email !== 'string' ||
      !ROLES.includes(role as AuthUser['role'])
    )
      return false;
    return { id: sub, email, role: role as AuthUser['role'] };
  }
}
