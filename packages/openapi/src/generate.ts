import {
  API_PREFIX,
  ALL_SCOPES,
  isSystemTierScope,
  listRoutes,
  SCOPE_BUNDLES,
  SCOPE_DESCRIPTIONS,
  type ContractRoute,
} from '@payment-gateway/contract';
import { OpenApiBuilder, type OpenAPIObject, type ServerObject } from 'openapi3-ts/oas31';
import type { ErrorCode } from '@payment-gateway/contract';
import { errorSchemaFor, errorSchemaName, HEADERS } from './responses.js';
import { isApiPath, operationFor, toOpenApiPath } from './operations.js';
import { createSchemaConverter } from './schemas.js';
import { SECURITY_SCHEMES } from './security.js';
import { tagsFor } from './tags.js';

export interface GenerateOpenApiOptions {
  /**
   * Servers listed in the document: the base URL of the API, paths are relative to it.
   * @default [{ url: '/api/v1' }]: the API of the gateway that serves the document (at /api/v1/openapi.json)
   * @example [{ url: 'https://payments.example.org/api/v1', description: 'Production' }]
   */
  servers?: ServerObject[];
  /**
   * The routes to document.
   * @default listRoutes() (the whole contract)
   */
  routes?: ContractRoute[];
}

/** The version of the Admin API the document describes (the `/api/v1` surface), not an npm version. */
export const API_VERSION = '1.0.0';

const DESCRIPTION = `The Admin API and customer-portal API of the payment gateway: API keys, authentication, organizations, system administration, clients, invoices, recurring schedules and their processing, and data import and export.

Every request authenticates with \`Authorization: Bearer …\`: an organization or system API key (\`sk_<keyId>.<secret>\`), a dashboard session token, or (portal routes only) a portal session token. Each operation names the scope it requires (\`x-required-scope\`) and the credentials it accepts (\`x-accepted-credentials\`); the scope catalogue is in \`x-scopes\` and the least-privilege bundles in \`x-scope-bundles\`.

The organization always comes from the key (or, for sessions, from \`{orgId}\` or the \`selectedOrganization\` cookie): a request carrying \`X-Organization-ID\` is rejected with 400 \`ORGANIZATION_HEADER_NOT_ALLOWED\`.

Every error answers one body, \`Error\` (\`{ error, code, requestId, details? }\`), and every response carries \`X-Request-ID\`.

Input is validated strictly: a body field or a query parameter the operation does not list is 400 \`VALIDATION_FAILED\`, never ignored (\`details.issues[].path\` names it, e.g. \`query.expand\`).`;

/** Builds the OpenAPI 3.1 document of the contract. Deterministic: the same contract gives the same document. */
export function generateOpenApiDocument(options: GenerateOpenApiOptions = {}): OpenAPIObject {
  const routes = options.routes ?? listRoutes();
  const convert = createSchemaConverter();
  const builder = OpenApiBuilder.create({
    openapi: '3.1.0',
    info: {
      title: 'Payment Gateway Admin API',
      version: API_VERSION,
      description: DESCRIPTION,
      license: { name: 'MIT', identifier: 'MIT' },
      contact: { name: 'Payment Gateway maintainers' },
    },
    servers: options.servers ?? [
      {
        url: API_PREFIX,
        description: `The API of the gateway that serves this document, e.g. http://127.0.0.1:3000${API_PREFIX} with the default HOST and PORT`,
      },
    ],
    paths: {},
  });

  const usedCodes = new Set<ErrorCode>();
  for (const route of routes) {
    const method = route.route.method.toLowerCase();
    const path = toOpenApiPath(route.route.path);
    const item = { [method]: operationFor(route, convert, usedCodes) };
    // Paths outside /api/v1 (the /health probe) are served from the gateway's root.
    if (!isApiPath(route.route.path))
      Object.assign(item, { servers: [{ url: '/', description: 'The root of the gateway that serves this document' }] });
    builder.addPath(path, item);
  }
  for (const code of [...usedCodes].sort()) builder.addSchema(errorSchemaName(code), errorSchemaFor(code, convert));
  for (const [name, schema] of Object.entries(convert.components())) builder.addSchema(name, schema);
  for (const [name, header] of Object.entries(HEADERS)) builder.addHeader(name, header);
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) builder.addSecurityScheme(name, scheme);
  for (const tag of tagsFor(new Set(routes.map((r) => r.metadata.tag)))) builder.addTag(tag);

  const doc = builder.getSpec();
  doc['x-scopes'] = Object.fromEntries(
    ALL_SCOPES.map((scope) => [
      scope,
      { description: SCOPE_DESCRIPTIONS[scope], tier: isSystemTierScope(scope) ? 'system' : 'organization' },
    ]),
  );
  doc['x-scope-bundles'] = Object.fromEntries(Object.entries(SCOPE_BUNDLES).map(([name, scopes]) => [name, [...scopes]]));
  return withoutEmptyComponents(doc);
}

/** The builder starts every component map empty; drop the unused ones so the document stays tidy. */
function withoutEmptyComponents(doc: OpenAPIObject): OpenAPIObject {
  const components = Object.fromEntries(Object.entries(doc.components ?? {}).filter(([, value]) => value && Object.keys(value).length > 0));
  return { ...doc, components };
}

/** The document as committed: two-space JSON with a final newline. */
export function serializeOpenApiDocument(doc: OpenAPIObject): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
