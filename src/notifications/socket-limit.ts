/** What {@link oldestBeyond} needs of a socket, local or on another instance. */
export interface AgedSocket {
  id: string;
  /** When the handshake happened (ms since the epoch), as Socket.IO records it. */
  handshake: { issued: number };
}

/**
 * The sockets to close so that only the `cap` newest remain, oldest first. Ties (one
 * millisecond) are broken by id, so every instance that looks at the same sockets picks the
 * same ones.
 */
export function oldestBeyond<T extends AgedSocket>(sockets: readonly T[], cap: number): T[] {
  if (sockets.length <= cap) return [];
  const byAge = [...sockets].sort(
    (a, b) => a.handshake.issued - b.handshake.issued || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return byAge.slice(0, sockets.length - cap);
}
