import { io, type Socket } from 'socket.io-client';

/**
 * Socket.IO clients for end-to-end tests, as a browser or a Node client would connect to the
 * `/notifications` namespace: websocket transport only (no sticky sessions needed), no
 * reconnection (a test decides when to reconnect), one connection per socket (`forceNew`).
 *
 * Every socket made here is remembered until {@link closeSockets} — call it in `afterEach`, so a
 * failed assertion never leaves a connection holding the app (or Jest) open.
 */

export interface ConnectOptions {
  /** Sent as the handshake `auth: {token}`; omit for a handshake without one. */
  token?: string;
  /** Other handshake `auth` fields, e.g. a guest's `{ orderToken }`. */
  auth?: Record<string, string>;
  /** Handshake headers, e.g. `{ Authorization: 'Bearer …' }` (websocket transport in Node). */
  extraHeaders?: Record<string, string>;
  /** How long to wait for `connect` (or `connect_error`); default 5 s. */
  timeoutMs?: number;
}

const open = new Set<Socket>();

function makeSocket(baseUrl: string, options: ConnectOptions): Socket {
  const socket = io(`${baseUrl}/notifications`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: options.timeoutMs ?? 5_000,
    ...(options.token === undefined && !options.auth
      ? {}
      : {
          auth: {
            ...options.auth,
            ...(options.token === undefined ? {} : { token: options.token }),
          },
        }),
    ...(options.extraHeaders ? { extraHeaders: options.extraHeaders } : {}),
  });
  open.add(socket);
  return socket;
}

/**
 * A socket that starts connecting now (not yet connected): for tests that must attach listeners
 * before the handshake completes. Await {@link connected} (or `connect_error`) afterwards.
 */
export function openSocket(baseUrl: string, options: ConnectOptions = {}): Socket {
  return makeSocket(baseUrl, options);
}

/** Resolves once `socket` is connected; rejects with its `connect_error` or on timeout. */
export async function connected(socket: Socket, timeoutMs = 5_000): Promise<void> {
  if (socket.connected) return;
  const error = await handshake(socket, timeoutMs);
  if (error) throw new Error(`connect_error: ${error.message}`);
}

/** Waits for `connect` or `connect_error`, whichever comes first. */
function handshake(socket: Socket, timeoutMs: number): Promise<Error | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no connect nor connect_error within ${timeoutMs} ms`));
    }, timeoutMs);
    const onConnect = (): void => {
      cleanup();
      resolve(undefined);
    };
    const onError = (error: Error): void => {
      cleanup();
      resolve(error);
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('connect_error', onError);
    };
    socket.on('connect', onConnect);
    socket.on('connect_error', onError);
  });
}

/**
 * A socket connected to `${baseUrl}/notifications` with `token` (handshake `auth`), or rejects with
 * the `connect_error`. Pass `{ token: undefined, extraHeaders }` to authenticate by header only.
 */
export async function connectSocket(
  baseUrl: string,
  token: string | undefined,
  options: Omit<ConnectOptions, 'token'> = {},
): Promise<Socket> {
  const socket = makeSocket(baseUrl, { ...options, token });
  const error = await handshake(socket, (options.timeoutMs ?? 5_000) + 1_000);
  if (error) {
    socket.close();
    throw new Error(`connect_error: ${error.message}`);
  }
  return socket;
}

/** The `connect_error` a handshake gets (fails the test if it connects instead). */
export async function connectError(baseUrl: string, options: ConnectOptions): Promise<Error> {
  const socket = makeSocket(baseUrl, options);
  const error = await handshake(socket, (options.timeoutMs ?? 5_000) + 1_000);
  socket.close();
  if (!error) throw new Error('the handshake was accepted, expected connect_error');
  return error;
}

/**
 * The payload of the next `name` event (that `matches`, when given), or rejects after
 * `timeoutMs`. Start it *before* the action that triggers the event, then await it.
 */
export function nextEvent<T = unknown>(
  socket: Socket,
  name: string,
  timeoutMs: number,
  matches: (payload: T) => boolean = () => true,
): Promise<T> {
  const promise = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(name, listener);
      reject(new Error(`no "${name}" event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T): void => {
      if (!matches(payload)) return;
      clearTimeout(timer);
      socket.off(name, listener);
      resolve(payload);
    };
    socket.on(name, listener);
  });
  // Awaited by the caller; this only keeps an early failure elsewhere in the test from
  // surfacing as an unhandled rejection instead of the real error.
  promise.catch(() => undefined);
  return promise;
}

/**
 * Resolves after `ms` if no `name` event (that `matches`) arrived meanwhile; rejects with the
 * payload of the first one that did.
 */
export function expectNoEvent<T = unknown>(
  socket: Socket,
  name: string,
  ms: number,
  matches: (payload: T) => boolean = () => true,
): Promise<void> {
  const promise = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(name, listener);
      resolve();
    }, ms);
    const listener = (payload: T): void => {
      if (!matches(payload)) return;
      clearTimeout(timer);
      socket.off(name, listener);
      reject(new Error(`unexpected "${name}" event: ${JSON.stringify(payload)}`));
    };
    socket.on(name, listener);
  });
  promise.catch(() => undefined);
  return promise;
}

/** Every `name` event a socket receives from now on, with its arrival time (`performance.now()`). */
export interface EventLog<T> {
  readonly events: Array<{ payload: T; at: number }>;
  payloads(matches?: (payload: T) => boolean): T[];
  /** Resolves once `count` events (that `matches`) were recorded; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number, matches?: (payload: T) => boolean): Promise<T[]>;
  stop(): void;
}

export function recordEvents<T = unknown>(socket: Socket, name: string): EventLog<T> {
  const events: Array<{ payload: T; at: number }> = [];
  const waiters = new Set<() => void>();
  const listener = (payload: T): void => {
    events.push({ payload, at: performance.now() });
    for (const wake of waiters) wake();
  };
  socket.on(name, listener);
  const payloads = (matches: (payload: T) => boolean = () => true): T[] =>
    events.map((e) => e.payload).filter(matches);
  return {
    events,
    payloads,
    waitFor: (count, timeoutMs, matches = () => true) => {
      const promise = new Promise<T[]>((resolve, reject) => {
        const check = (): void => {
          const got = payloads(matches);
          if (got.length < count) return;
          done();
          resolve(got);
        };
        const timer = setTimeout(() => {
          done();
          const got = payloads(matches).length;
          reject(new Error(`${got} of ${count} "${name}" events within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
      promise.catch(() => undefined);
      return promise;
    },
    stop: () => socket.off(name, listener),
  };
}

/** Resolves when the socket is disconnected (with the reason), or rejects after `timeoutMs`. */
export function disconnected(socket: Socket, timeoutMs: number): Promise<string> {
  const promise = new Promise<string>((resolve, reject) => {
    if (socket.disconnected) {
      resolve('already disconnected');
      return;
    }
    const timer = setTimeout(
      () => reject(new Error(`still connected after ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
  promise.catch(() => undefined);
  return promise;
}

/** Closes every socket made by this module since the last call. */
export function closeSockets(): void {
  for (const socket of open) socket.close();
  open.clear();
}
