/**
 * A module imported on first use rather than at start: `load` runs once, its promise is shared by
 * every caller, and a failed import is tried again on the next call (not remembered as failed).
 * For libraries an instance may never need (sharp and libvips, nodemailer): their modules, heap
 * and resident memory are paid by the instances that use them, when they do.
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () =>
    (loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
}
