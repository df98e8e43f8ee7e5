import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateOpenApiDocument, serializeOpenApiDocument } from './generate.js';
import { OPENAPI_DOCUMENT_PATH } from './index.js';

const REGENERATE = 'node scripts/run.mjs pnpm --filter @payment-gateway/openapi run generate';

describe('committed openapi.json', () => {
  it('matches the contract (no drift)', () => {
    const committed = JSON.parse(readFileSync(OPENAPI_DOCUMENT_PATH, 'utf8'));
    expect(
      committed,
      `packages/openapi/openapi.json is out of date with the contract. Regenerate it with \`${REGENERATE}\` and commit it.`,
    ).toEqual(JSON.parse(serializeOpenApiDocument(generateOpenApiDocument())));
  });

  it('is written in the canonical format, so regenerating gives no diff', () => {
    const text = readFileSync(OPENAPI_DOCUMENT_PATH, 'utf8');
    expect(text === serializeOpenApiDocument(JSON.parse(text)), `Reformat it with \`${REGENERATE}\`.`).toBe(true);
  });

  it('generation is deterministic', () => {
    expect(serializeOpenApiDocument(generateOpenApiDocument())).toBe(serializeOpenApiDocument(generateOpenApiDocument()));
  });
});
