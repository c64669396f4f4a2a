import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';

const KEY_LENGTH = 32;
/** Memory scrypt may use: enough for the largest N the configuration accepts, r = 8. */
const MAX_MEMORY = 128 * 2 ** 15 * 8 * 2;

function derive(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  const options: ScryptOptions = {
    ...params,
    maxmem: Math.max(MAX_MEMORY, 128 * params.N * params.r * 2),
  };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/**
 * Memory-hard password hashing with Node's scrypt (no native add-on to build). The stored form
 * `scrypt$N$r$p$salt$hash` keeps its parameters so they can be raised later. N is
 * 2^PASSWORD_HASH_COST: 2^15 by default and at least that in production (OWASP's minimum,
 * N=2^17 with r=8, halved in cost for a 2-core API node); the test suites use less.
 */
@Injectable()
export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;
  private readonly params: { N: number; r: number; p: number };

  constructor(@InjectConfig() config: AppConfig) {
    this.params = { N: 2 ** config.passwordHashCost, r: 8, p: 1 };
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await derive(password, salt, this.params);
    return [
      'scrypt',
      this.params.N,
      this.params.r,
      this.params.p,
      salt.toString('base64'),
      key.toString('base64'),
    ].join('$');
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, n, r, p, salt, hash] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64');
    const actual = await derive(password, Buffer.from(salt, 'base64'), {
      N: Number(n),
      r: Number(r),
      p: Number(p),
    });
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  /** Spends the same time as a real verification, so an unknown email is not revealed by timing. */
  async verifyAgainstNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash('not-a-real-password');
    await this.verify(password, await this.dummyHash);
    return false;
  }
}
