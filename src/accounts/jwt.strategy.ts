import { createSecretKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthUser } from '@/common/auth.js';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import type { AccessTokenClaims } from './tokens.service.js';
import { ROLES } from './user.entity.js';

/**
 * The HS256 key as a KeyObject. Given a string, jsonwebtoken first tries it as a PEM public key
 * (`createPublicKey`, which throws) at every verification: that was ~30 % of a cached read's CPU.
 */
export const jwtKey = (secret: string): KeyObject => createSecretKey(Buffer.from(secret, 'utf8'));

/** Verifies bearer access tokens: HS256 only (so `alg: none` and key confusion fail), expiry enforced. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@InjectConfig() config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt's types say string | Buffer; it hands the key to jsonwebtoken, which takes a KeyObject.
      secretOrKey: jwtKey(config.jwtSecret) as unknown as Buffer,
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
