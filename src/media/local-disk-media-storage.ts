import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { isMediaKey, type MediaStorage } from './media-storage.js';

/** Thrown for a key that {@link isMediaKey} refuses: a programming error, never user input. */
export class InvalidMediaKeyError extends Error {
  constructor() {
    super('invalid media key');
  }
}

/**
 * Files in one flat directory. Keys are validated against the one key pattern before any file
 * system call, so no key can name a path outside the directory (no separators, no dots but the
 * extension's). Writes go to a temporary file first and are renamed in, so a reader never sees
 * half a file.
 */
export class LocalDiskMediaStorage implements MediaStorage {
  private readonly root: string;
  private ready: Promise<void> | undefined;

  constructor(directory: string) {
    this.root = resolve(directory);
  }

  private pathOf(key: string): string {
    if (!isMediaKey(key)) throw new InvalidMediaKeyError();
    return join(this.root, key);
  }

  private ensureRoot(): Promise<void> {
    this.ready ??= mkdir(this.root, { recursive: true }).then(() => undefined);
    return this.ready;
  }

  async put(key: string, data: Buffer): Promise<void> {
    const target = this.pathOf(key);
    await this.ensureRoot();
    const temporary = join(this.root, `.upload-${randomBytes(8).toString('hex')}`);
    const handle = await open(temporary, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async open(key: string): Promise<{ stream: Readable; size: number } | undefined> {
    if (!isMediaKey(key)) return undefined;
    const path = this.pathOf(key);
    try {
      const info = await stat(path);
      if (!info.isFile()) return undefined;
      return { stream: createReadStream(path), size: info.size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
