// Writes packages/openapi/openapi.json from the contract:
//   node scripts/run.mjs pnpm --filter @payment-gateway/openapi run generate
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateOpenApiDocument, serializeOpenApiDocument } from './generate.js';

const target = fileURLToPath(new URL('../openapi.json', import.meta.url));
const doc = generateOpenApiDocument();
writeFileSync(target, serializeOpenApiDocument(doc));
console.log(`wrote ${target} (${Object.keys(doc.paths ?? {}).length} paths)`);
