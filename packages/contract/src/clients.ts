import { z } from 'zod';
import {
  c,
  Email,
  ErrorBody,
  OrganizationId,
  PageQuery,
  pageOf,
  ResourceId,
  Timestamp,
  API_PREFIX,
  bodyErrorResponses,
  singleLineText,
} from './common.js';
import { ORG_RESOURCE_ERRORS, orgRoute } from './org-route.js';

export const ClientId = ResourceId('cli');

export const Client = z
  .object({
    id: ClientId,
    organizationId: OrganizationId,
    email: Email,
    name: z.string(),
    externalId: z.string().nullable().describe("The merchant's own id for this customer, unique per organization"),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .describe('Client');
export type Client = z.infer<typeof Client>;

export const CreateClientBody = z
  .object({
    email: Email,
    name: singleLineText(200),
    externalId: singleLineText(100).optional(),
  })
  .strict();
export type CreateClientBody = z.infer<typeof CreateClientBody>;

const tag = 'Clients';
const errors = ORG_RESOURCE_ERRORS;

/** SPEC §5: billing clients of the calling organization. */
export const clientsContract = c.router(
  {
    list: {
      method: 'GET',
      path: '/clients',
      query: PageQuery.extend({ email: Email.optional(), externalId: z.string().max(100).optional() }).strict(),
      responses: { 200: pageOf(Client), ...errors },
      summary: 'List clients (filter by email or externalId to find one)',
      metadata: orgRoute(tag, 'client:read'),
    },
    create: {
      method: 'POST',
      path: '/clients',
      body: CreateClientBody,
      responses: { 201: Client, ...errors, 409: ErrorBody, ...bodyErrorResponses },
      summary: 'Create a client',
      metadata: orgRoute(tag, 'client:create'),
    },
    get: {
      method: 'GET',
      path: '/clients/:id',
      pathParams: z.object({ id: ClientId }),
      responses: { 200: Client, ...errors },
      summary: 'Get a client',
      metadata: orgRoute(tag, 'client:read'),
    },
  },
  { pathPrefix: API_PREFIX },
);
