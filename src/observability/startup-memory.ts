import v8 from 'node:v8';
import vm from 'node:vm';

type CollectGarbage = (options: {
  type: 'major';
  execution: 'sync';
  flavor: 'last-resort';
}) => void;

/**
 * Hands back to the system the memory that only start-up needed, once, just before the server
 * listens: a memory-reducing full collection (the `last-resort` flavour of V8's `gc()`).
 *
 * Why: loading ~3,800 modules and building Nest's, TypeORM's and the OpenAPI metadata allocates
 * so much that survives a while that V8 grows the young generation to its largest semi-spaces
 * (64 MB each on a host with this much memory) and, with no major collection ever due at this
 * heap size, keeps them resident while idle: ~70 MB of an idle instance's ~215 MB was young
 * generation holding nothing (measured with `v8.getHeapSpaceStatistics()`, bench/README.md).
 * Capping the semi-spaces instead (`--max-semi-space-size`) cost the cached reads up to a third
 * of their throughput; this costs one pause at start-up (~0.1 s) and leaves the young generation
 * free to grow again under load.
 *
 * `gc` is V8's own extension, exposed the way jest's leak detector does it: setting the flag at
 * run time and reading the function from a fresh context.
 */
export function releaseStartupMemory(): void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as CollectGarbage;
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
