import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI } from 'openapi-types';
import { describe, expect, it } from 'vitest';
import { generateOpenApiDocument } from './generate.js';
import { openApiDocument } from './index.js';

describe('OpenAPI validation (swagger-parser)', () => {
  it('the committed document is a valid OpenAPI 3.1 document', async () => {
    expect(openApiDocument.openapi).toBe('3.1.0');
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(openApiDocument) as OpenAPI.Document)).resolves.toBeTruthy();
  });

  it('rejects a broken document (the validator is really checking)', async () => {
    const broken = structuredClone(generateOpenApiDocument()) as unknown as Record<string, any>;
    broken.paths['/auth/whoami'].get.responses['200'].content['application/json'].schema = {
      $ref: '#/components/schemas/DoesNotExist',
    };
    await expect(SwaggerParser.validate(broken as OpenAPI.Document)).rejects.toThrow(/DoesNotExist/);
  });
});
