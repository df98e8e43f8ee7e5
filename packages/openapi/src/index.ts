import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OpenAPIObject } from 'openapi3-ts/oas31';

/** Where the committed document lives, for servers that stream it rather than re-serialise it. */
export const OPENAPI_DOCUMENT_PATH: string = fileURLToPath(new URL('../openapi.json', import.meta.url));

/** The committed OpenAPI 3.1 document of the payment gateway API (also `@payment-gateway/openapi/openapi.json`). */
export const openApiDocument: OpenAPIObject = JSON.parse(readFileSync(OPENAPI_DOCUMENT_PATH, 'utf8'));

export default openApiDocument;
