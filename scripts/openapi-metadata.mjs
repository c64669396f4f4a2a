#!/usr/bin/env node
/**
 * Writes src/metadata.ts: what the @nestjs/swagger CLI plugin reads from the DTOs (each property
 * of an exported class in a `*.dto.ts` file: its type, required or optional, enum, nullable,
 * arrays, and the limits its class-validator decorators state), as data that
 * `SwaggerModule.loadPluginMetadata` applies before the document is built (src/openapi/openapi.ts).
 * So the DTOs carry an `@ApiProperty` only where it says more than the TypeScript types and the
 * validators, and tsc, swc (Jest) and `nest build` all see the same schema.
 *
 *   npm run openapi:metadata                    # → src/metadata.ts (run after a DTO change)
 *   node scripts/openapi-metadata.mjs DIR       # somewhere else (the staleness test)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PluginMetadataGenerator } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator.js';
import { ReadonlyVisitor } from '@nestjs/swagger/plugin';
import prettier from 'prettier';
import ts from 'typescript';

export const FILENAME = 'metadata.ts';
export const DEFAULT_OUTPUT = 'src';

/**
 * Limits the validators enforce that openapi.json does not state yet, so the plugin's reading of
 * them is left out here: stating them changes openapi.json and with it the committed hey-api client
 * (examples/spa-client/heyapi, `npm run client:generate:heyapi`, Node >= 22.18). Deleting an entry
 * is a documentation improvement of its own: do it with both regenerated. (Update… DTOs made with
 * PartialType inherit their Create… DTO's entries.)
 */
export const NOT_DOCUMENTED_YET = {
  CreateAttributeDto: { values: ['maxLength', 'uniqueItems'] },
  CreateProductDto: { images: ['maxItems'], sku: ['pattern'] },
  CreateProductVariantDto: { attributeValueIds: ['uniqueItems'], sku: ['pattern'] },
  CreateWebhookEndpointDto: { events: ['minItems', 'uniqueItems'], url: ['format'] },
  UpdateWebhookEndpointDto: { events: ['minItems', 'uniqueItems'], url: ['format'] },
  LoginDto: { email: ['maxLength'] },
  RefreshTokenDto: { refreshToken: ['maxLength'] },
  RefundOrderDto: { amount: ['maximum'] },
  ReorderCatalogImagesDto: { imageIds: ['uniqueItems'] },
  UpdateAddressDto: { phone: ['pattern'] },
  UpdateMeDto: { phone: ['pattern'] },
  ProductFiltersDto: { cursor: ['pattern'] },
};

const nameOf = (node) => (node.name && ts.isIdentifier(node.name) ? node.name.text : undefined);

/** The model metadata without the NOT_DOCUMENTED_YET keys. */
function withoutPending(models) {
  const f = ts.factory;
  const unused = new Set(
    Object.entries(NOT_DOCUMENTED_YET).flatMap(([cls, props]) =>
      Object.keys(props).map((p) => `${cls}.${p}`),
    ),
  );
  const result = models.map(([importExpr, classes]) => [
    importExpr,
    Object.fromEntries(
      Object.entries(classes).map(([cls, literal]) => {
        const pending = NOT_DOCUMENTED_YET[cls];
        if (!pending) return [cls, literal];
        const properties = literal.properties.map((property) => {
          const drop = pending[nameOf(property)];
          if (!drop || !ts.isObjectLiteralExpression(property.initializer)) return property;
          unused.delete(`${cls}.${nameOf(property)}`);
          const kept = property.initializer.properties.filter((p) => !drop.includes(nameOf(p)));
          return f.updatePropertyAssignment(
            property,
            property.name,
            f.updateObjectLiteralExpression(property.initializer, kept),
          );
        });
        return [cls, f.updateObjectLiteralExpression(literal, properties)];
      }),
    ),
  ]);
  if (unused.size) throw new Error(`NOT_DOCUMENTED_YET names no property: ${[...unused]}`);
  return result;
}

export async function generate(outputDir = DEFAULT_OUTPUT) {
  const out = resolve(outputDir);
  const visitor = new ReadonlyVisitor({
    // Imports in metadata.ts are relative to src/, where the file lives.
    pathToSource: resolve('src'),
    // DTOs only: the entities are never in the document.
    dtoFileNameSuffix: ['.dto.ts'],
    // Models only: the controllers declare their responses themselves (@ApiOkResponse …).
    controllerFileNameSuffix: ['.no-controller-metadata.ts'],
    classValidatorShim: true,
    // Comments in the DTOs are for maintainers; descriptions stay explicit.
    introspectComments: false,
    // `= default` initialisers are server-side fallbacks, documented explicitly where meant.
    skipDefaultValues: true,
  });
  const collect = visitor.collect.bind(visitor);
  visitor.collect = () => {
    const { models, controllers } = collect();
    return { models: withoutPending(models), controllers };
  };
  new PluginMetadataGenerator().generate({
    visitors: [visitor],
    outputDir: out,
    filename: FILENAME,
    tsProgramRef: ReadonlyVisitor.createTsProgram('tsconfig.build.json'),
  });
  // The printer's layout, normalised by the project's Prettier settings: the same bytes each run.
  const file = join(out, FILENAME);
  // The visitor keeps a DTO's own `@/…` import specifiers: metadata.ts lives in src/, so they are
  // `./…` here (plain relative ESM imports for tsc, swc-jest and node alike), and a module imported
  // under both spellings is listed once.
  const seen = new Set();
  const lines = readFileSync(file, 'utf8')
    .replace(
      '/* eslint-disable */\n',
      '// Generated by scripts/openapi-metadata.mjs (`npm run openapi:metadata`): do not edit.\n',
    )
    .replaceAll(/(["'])@\//g, '$1./')
    .split('\n')
    .filter((line) => {
      const entry = /^\s*\[(["'])(\.[^"']+)\1\]: await import\(/.exec(line);
      if (!entry) return true;
      if (seen.has(entry[2])) return false;
      seen.add(entry[2]);
      return true;
    });
  writeFileSync(file, lines.join('\n'));
  const config = await prettier.resolveConfig(resolve(DEFAULT_OUTPUT, FILENAME));
  const text = await prettier.format(readFileSync(file, 'utf8'), { ...config, filepath: file });
  writeFileSync(file, text);
  return file;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = await generate(process.argv[2] ?? DEFAULT_OUTPUT);
  console.log(`wrote ${file}`);
}
