// Entry of one gateway instance process (bundled by instance-bundle.ts, run with plain `node`).
import { runInstanceFromEnv } from './gateway-entry.js';

await runInstanceFromEnv();
