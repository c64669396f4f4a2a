import { writeFileSync } from 'node:fs';
import { buildAsyncApiDocument, serializeAsyncApiDocument } from './asyncapi-document.js';

/** `npm run asyncapi`: writes the AsyncAPI document of `/notifications` (default asyncapi.json). */
const out = process.argv[2] ?? 'asyncapi.json';
const document = buildAsyncApiDocument();
writeFileSync(out, serializeAsyncApiDocument(document));
process.stdout.write(
  `wrote ${out}: ${Object.keys(document.components.messages).length} messages\n`,
);
