import { opendir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMediaKey } from '@/media/media-storage.js';

/** What an upload interrupted between its write and its rename leaves (local-disk-media-storage.ts). */
const TEMPORARY_FILE = /^\.upload-[0-9a-f]{16}$/;

/** Old files of the media directory, a batch at a time. */
export interface OldMediaFiles {
  /** Stored files (named by their media key): orphans only if no row refers to them. */
  keys: string[];
  /** Temporary files of interrupted uploads: never referred to. */
  temporary: string[];
}

/**
 * Walks the local-disk media directory (flat, see LocalDiskMediaStorage) without reading it
 * whole, and yields the files last written before `cutoff` in batches of up to `size`. A file
 * younger than that is never yielded, so an upload whose row is still being written is safe.
 * Anything else in the directory (not a key, not a temporary upload) is left alone.
 */
export async function* oldMediaFiles(
  directory: string,
  cutoff: Date,
  size: number,
): AsyncGenerator<OldMediaFiles> {
  let dir;
  try {
    dir = await opendir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // nothing uploaded yet
    throw error;
  }
  let batch: OldMediaFiles = { keys: [], temporary: [] };
  for await (const entry of dir) {
    const kind = isMediaKey(entry.name)
      ? 'keys'
      : TEMPORARY_FILE.test(entry.name)
        ? 'temporary'
        : undefined;
    if (!kind || !entry.isFile()) continue;
    const info = await stat(join(directory, entry.name)).catch(() => undefined); // gone meanwhile
    if (!info || info.mtimeMs >= cutoff.getTime()) continue;
    batch[kind].push(entry.name);
    if (batch.keys.length + batch.temporary.length >= size) {
      yield batch;
      batch = { keys: [], temporary: [] };
    }
  }
  if (batch.keys.length + batch.temporary.length > 0) yield batch;
}

/** Removes a temporary upload file (a missing one is no error). */
export async function removeTemporaryFile(directory: string, name: string): Promise<void> {
  if (!TEMPORARY_FILE.test(name)) throw new Error(`not a temporary upload file: ${name}`);
  await rm(join(directory, name), { force: true });
}
