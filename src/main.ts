/**
 * The entry point (`node dist/src/main.js`, `npm start`, the image): source maps first, then
 * the server (src/serve.ts), imported only once the maps are on so its modules get theirs.
 */
import { enableOwnSourceMaps } from './observability/source-maps.js';

enableOwnSourceMaps();
await import('./serve.js');
