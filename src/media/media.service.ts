import { randomBytes } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AfterCommit, DomainEventBus } from '@/common/events/domain-event-bus.js';
import type { AppConfig } from '@/config/app-config.js';
import { APP_CONFIG } from '@/config/config.module.js';
import { sanitizeImage } from './image-sanitizer.js';
import type { SniffedImage } from './image-sniffer.js';
import { MediaFilesReleased } from './events/media-files-released.event.js';
import { MEDIA_STORAGE, type MediaStorage, mediaUrl, newMediaKey } from './media-storage.js';

/** A file in the media storage. */
export interface StoredImage extends SniffedImage {
  key: string;
  url: string;
  byteSize: number;
}

const FIRST_SWEEP_DELAY_MS = 60 * 1000;
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;
const SWEEP_BATCH = 100;

/**
 * Stores uploaded images under random keys and deletes them safely. A file is let go of inside
 * the transaction that stops referencing it ({@link release}, or the `catalog_images` delete
 * trigger), by queueing its key in `media_deletions`; the file is removed after that
 * transaction commits, and a periodic sweep retries whatever a crash or an I/O error left
 * behind. A rollback keeps both the reference and the file.
 */
@Injectable()
export class MediaService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MediaService.name);
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    private readonly dataSource: DataSource,
    private readonly events: DomainEventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @AfterCommit(MediaFilesReleased)
  async purgeReleased(event: MediaFilesReleased): Promise<void> {
    await this.purge(event.keys);
  }

  onApplicationBootstrap(): void {
    // The first sweep waits a little: a restart loop must not turn into a deletion loop.
    this.timer = setTimeout(() => {
      void this.sweep();
      this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
      this.timer.unref();
    }, FIRST_SWEEP_DELAY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    clearInterval(this.timer);
    await this.sweeping;
  }

  /**
   * Writes a sniffed image under a new random key, as {@link sanitizeImage} re-encodes it
   * (upright, no metadata; over `MEDIA_MAX_PIXELS` or undecodable → 422, nothing written): the
   * stored bytes, size and dimensions are the clean image's, not the upload's.
   */
  async store(data: Buffer, sniffed: SniffedImage): Promise<StoredImage> {
    const clean = await sanitizeImage(data, sniffed.type, this.config.mediaMaxPixels);
    const key = newMediaKey(clean.image.type, () => randomBytes(16).toString('hex'));
    await this.storage.put(key, clean.data);
    return { ...clean.image, key, url: mediaUrl(key), byteSize: clean.data.length };
  }

  /** Deletes a file that no committed row references (an upload whose transaction failed). */
  async discardUnreferenced(key: string): Promise<void> {
    try {
      await this.storage.delete(key);
    } catch (error) {
      this.logger.warn(`could not delete unreferenced file ${key}: ${(error as Error).message}`);
    }
  }

  /** Queues files for deletion on `manager`'s transaction; they go once it commits. */
  async release(keys: readonly string[], manager: EntityManager): Promise<void> {
    if (keys.length === 0) return;
    await manager.query(
      `INSERT INTO media_deletions (storage_key) SELECT unnest($1::varchar[]) ON CONFLICT DO NOTHING`,
      [keys],
    );
    this.events.record(new MediaFilesReleased(keys), manager);
  }

  /** Removes queued files (the given ones, or a batch of the oldest) and their queue entries. */
  async purge(keys?: readonly string[]): Promise<void> {
    try {
      await this.dataSource.transaction(async (manager) => {
        const rows = await manager.query<Array<{ storage_key: string }>>(
          keys
            ? `SELECT storage_key FROM media_deletions WHERE storage_key = ANY($1::varchar[])
                 FOR UPDATE SKIP LOCKED`
            : `SELECT storage_key FROM media_deletions ORDER BY queued_at LIMIT ${SWEEP_BATCH}
                 FOR UPDATE SKIP LOCKED`,
          keys ? [keys] : [],
        );
        const done: string[] = [];
        for (const { storage_key: key } of rows) {
          try {
            await this.storage.delete(key);
            done.push(key);
          } catch (error) {
            this.logger.warn(`could not delete file ${key}: ${(error as Error).message}`);
          }
        }
        if (done.length > 0)
          await manager.query(
            `DELETE FROM media_deletions WHERE storage_key = ANY($1::varchar[])`,
            [done],
          );
      });
    } catch (error) {
      this.logger.warn(`media deletion failed, retried later: ${(error as Error).message}`);
    }
  }

  private sweep(): Promise<void> {
    this.sweeping ??= this.purge().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }
}
