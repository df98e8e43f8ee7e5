// Every operation of the committed OpenAPI document, with its parameters and body schema
// resolved, so the fuzzer walks exactly what the product publishes (SPEC §7.1, §9).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A JSON Schema node as the document writes it (OpenAPI 3.1 / JSON Schema 2020-12 subset). */
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  [key: string]: unknown;
};

export interface Parameter {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  operationId: string;
  method: string;
  /** OpenAPI template, e.g. `/api/v1/organizations/{orgId}/api-keys`. */
  path: string;
  pathParams: Parameter[];
  queryParams: Parameter[];
  /** The JSON request body schema, when the operation takes one. */
  body: JsonSchema | null;
  /** Security scheme names the operation accepts (`apiKey`, `session`, `portalSession`); empty = public. */
  security: string[];
}

export interface OpenApiDocument {
  /** Base URLs; operation paths are relative to the first (`/api/v1`), unless a path item has its own. */
  servers?: { url: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema> };
}

export const OPENAPI_PATH = fileURLToPath(new URL('../../../openapi/openapi.json', import.meta.url));

export function loadDocument(path = OPENAPI_PATH): OpenApiDocument {
  return JSON.parse(readFileSync(path, 'utf8')) as OpenApiDocument;
}

/** Follows `$ref`s into components/schemas (one level at a time; callers recurse). */
export function resolve(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let i = 0; s.$ref && i < 20; i++) {
    const name = s.$ref.replace('#/components/schemas/', '');
    const target = doc.components.schemas[name];
    if (!target) throw new Error(`unresolvable $ref ${s.$ref}`);
    s = target;
  }
  return s;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export function listOperations(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [relative, item] of Object.entries(doc.paths)) {
    const base = ((item.servers as { url: string }[] | undefined) ?? doc.servers ?? [{ url: '' }])[0]!.url.replace(/\/$/, '');
    const path = `${base}${relative}`;
    for (const [method, raw] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const op = raw as {
        operationId: string;
        parameters?: { name: string; in: string; required?: boolean; schema: JsonSchema }[];
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
        security?: Record<string, string[]>[];
      };
      const params = op.parameters ?? [];
      const pick = (where: string): Parameter[] =>
        params.filter((p) => p.in === where).map((p) => ({ name: p.name, required: p.required ?? where === 'path', schema: p.schema }));
      const bodySchema = op.requestBody?.content?.['application/json']?.schema;
      out.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        pathParams: pick('path'),
        queryParams: pick('query'),
        body: bodySchema ? resolve(doc, bodySchema) : null,
        security: [...new Set((op.security ?? []).flatMap((s) => Object.keys(s)))],
      });
    }
  }
  return out;
}
