#!/usr/bin/env node
// Validates an AsyncAPI document (default asyncapi.json) with the AsyncAPI parser: the schema of
// its version and the parser's rules. Errors fail (exit 1); warnings are printed and fail too,
// unless --allow-warnings, so the document stays clean as the OpenAPI one does under Redocly.
import { readFileSync } from 'node:fs';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';

const args = process.argv.slice(2);
const allowWarnings = args.includes('--allow-warnings');
const file = args.find((a) => !a.startsWith('--')) ?? 'asyncapi.json';

const LEVEL = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
  [DiagnosticSeverity.Hint]: 'hint',
};

let text;
try {
  text = readFileSync(file, 'utf8');
} catch (error) {
  console.error(`${file}: ${error.message} (generate it with npm run asyncapi)`);
  process.exit(1);
}
const diagnostics = await new Parser().validate(text, { source: file });
let failing = 0;
for (const d of diagnostics) {
  const fails =
    d.severity === DiagnosticSeverity.Error ||
    (d.severity === DiagnosticSeverity.Warning && !allowWarnings);
  if (fails) failing++;
  const where = d.path.length ? d.path.join('.') : '(document)';
  console.log(
    `${fails ? '✗' : '·'} ${LEVEL[d.severity] ?? d.severity} ${d.code}: ${d.message} at ${where}`,
  );
}
if (failing) {
  console.error(`${file}: ${failing} problem(s)`);
  process.exit(1);
}
console.log(`${file}: valid AsyncAPI, ${diagnostics.length} note(s)`);
