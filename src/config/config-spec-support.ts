import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { ConfigError, loadConfig } from './app-config.js';
import type { Env } from './env-reader.js';

/** A fresh directory for the embedded data (and so the local JWT secret beside it). */
export const scratchDataDir = (): string =>
  join(mkdtempSync(join(tmpdir(), 'shop-config-')), 'postgres');

/** The problems `loadConfig(env)` reports; fails the test when it accepts `env`. */
export function problemsOf(env: Env): string[] {
  try {
    loadConfig({ EMBEDDED_PG_DIR: scratchDataDir(), ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}
