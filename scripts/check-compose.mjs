#!/usr/bin/env node
// What the Compose specification's schema cannot know about compose.yaml (CI checks the schema
// itself with dclint, which bundles it: `npx dclint -q compose.yaml`): every variable the app's
// services set is one the app reads (.env.example lists them all), the API trusts exactly the one
// proxy in front of it, runs two replicas, and is given time to stop within SHUTDOWN_GRACE.
// Exit 0 valid, 1 with the problems listed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..');
const compose = parse(readFileSync(join(root, 'compose.yaml'), 'utf8'), { merge: true });
const problems = [];
const known = new Set(
  [...readFileSync(join(root, '.env.example'), 'utf8').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map(
    (m) => m[1],
  ),
);
for (const [name, service] of Object.entries(compose.services ?? {})) {
  if (service.image?.startsWith('shop-api') !== true) continue;
  for (const variable of Object.keys(service.environment ?? {})) {
    if (!known.has(variable)) problems.push(`${name}: ${variable} is not a variable the app reads`);
  }
}
const api = compose.services?.api;
if (api?.environment?.TRUST_PROXY !== '1')
  problems.push('api: TRUST_PROXY must be 1 (one load balancer in front of the replicas)');
if ((api?.deploy?.replicas ?? 1) < 2) problems.push('api: run at least two replicas');
if (!/^\d+s$/.test(api?.stop_grace_period ?? '') || Number.parseInt(api.stop_grace_period) < 10)
  problems.push('api: stop_grace_period must give SHUTDOWN_GRACE (8 s) room: 10s or more');

if (problems.length > 0) {
  console.error(`compose.yaml is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(
  `compose.yaml: valid Compose file, services ${Object.keys(compose.services).join(', ')}`,
);
