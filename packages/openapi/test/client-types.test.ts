import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { generateClientTypes, TARGET } from '../scripts/client-types.mjs';

describe('openapi-typescript types of the committed document', () => {
  it('are what openapi-typescript generates today (run `pnpm --filter @payment-gateway/openapi run generate`)', async () => {
    expect(readFileSync(TARGET as string, 'utf8')).toBe(await (generateClientTypes as () => Promise<string>)());
  }, 60_000);
});
