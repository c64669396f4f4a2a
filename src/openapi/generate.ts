import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '@/app.module.js';
import { loadConfig } from '@/config/app-config.js';
import { buildOpenApiDocument, loadOpenApiMetadata } from './openapi.js';

/** Recursively sorts object keys, so the written document is stable and diffs are readable. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * The OpenAPI document without a server or a database: Nest's preview mode wires the modules
 * and reads controller metadata but instantiates no provider (so nothing connects anywhere).
 */
export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  await loadOpenApiMetadata();
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'openapi-preview-'.padEnd(40, 'x') });
  const app = await NestFactory.create(
    AppModule.forRoot({ ...config, databaseUrl: 'postgres://preview/none' }),
    new FastifyAdapter(),
    {
      preview: true,
      logger: false,
      abortOnError: false,
    },
  );
  try {
    return sortKeys(buildOpenApiDocument(app)) as OpenAPIObject;
  } finally {
    await app.close();
  }
}

export function serializeDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

const isMain =
  process.argv[1] !== undefined &&
  import.meta.url.endsWith(process.argv[1].replace(/\.ts$/, '.js').split('/').pop() ?? '\0');
if (isMain) {
  const out = process.argv[2] ?? 'openapi.json';
  generateOpenApiDocument()
    .then((document) => {
      writeFileSync(out, serializeDocument(document));
      console.log(`wrote ${out}: ${Object.keys(document.paths).length} paths`);
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
