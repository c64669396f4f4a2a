import type { Readable } from 'node:stream';
import { EXTENSION_BY_TYPE, type ImageType, TYPE_BY_EXTENSION } from './image-sniffer.js';

/**
 * Where uploaded files live. Keys are made by {@link newMediaKey} only (random hex and the
 * extension of the sniffed type), so a client-supplied name never reaches a file system or a
 * bucket; implementations refuse any other shape of key.
 */
export interface MediaStorage {
  /** Stores `data` under `key` (a new key: never overwrites). */
  put(key: string, data: Buffer): Promise<void>;
  /** The file's bytes as a stream and its size, or `undefined` when there is none. */
  open(key: string): Promise<{ stream: Readable; size: number } | undefined>;
  /** Removes the file; a missing file is not an error (deletions are retried). */
  delete(key: string): Promise<void>;
}

export const MEDIA_STORAGE = Symbol('MEDIA_STORAGE');

/** 128 random bits as hex, then the extension: nothing in it comes from the client. */
export const MEDIA_KEY = /^[0-9a-f]{32}\.(jpg|png|webp|gif)$/;

export const isMediaKey = (key: string): boolean => MEDIA_KEY.test(key);

export function newMediaKey(type: ImageType, random: () => string): string {
  return `${random()}.${EXTENSION_BY_TYPE[type]}`;
}

/** The content type a key was stored with (its extension is the sniffed type's). */
export const contentTypeOfKey = (key: string): ImageType | undefined =>
  TYPE_BY_EXTENSION[key.slice(key.lastIndexOf('.') + 1)];

/** Where clients fetch a stored file: relative to the API's origin, the same in every response. */
export const MEDIA_URL_PREFIX = '/media/';
export const mediaUrl = (key: string): string => `${MEDIA_URL_PREFIX}${key}`;
