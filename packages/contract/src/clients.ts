import { z } from 'zod';
import {
  authErrorResponses,
  c,
  Email,
  ErrorBody,
  meta,
  ORG_KEY_OR_SESSION,
  OrganizationId,
  PageQuery,
  pageOf,
  ResourceId,
  Timestamp,
  API_PREFIX,
  bodyErrorResponses,
} from './common.js';

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
    name: z.string().trim().min(1).max(200),
    externalId: z.string().trim().min(1).max(100).optional(),
  })
  .strict();
export type CreateClientBody = z.infer<typeof CreateClientBody>;

const tag = 'Clients';
const errors = { ...authErrorResponses, 404: ErrorBody };

/** SPEC §5: billing clients of the calling organization. */
export const clientsContract = c.router(
  {
    list: {
      method: 'GET',
      path: '/clients',
      query: PageQuery.extend({ email: Email.optional(), externalId: z.string().max(100).optional() }).strict(),
      responses: { 200: pageOf(Client), ...errors },
      summary: 'List clients (filter by email or externalId to find one)',
      metadata: meta(tag, { credentials: ORG_KEY_OR_SESSION, scope: 'client:read', organization: 'context' }),
    },
    create: {
      method: 'POST',
      path: '/clients',
      body: CreateClientBody,
      responses: { 201: Client, ...errors, 409: ErrorBody, ...bodyErrorResponses },
      summary: 'Create a client',
      metadata: meta(tag, { credentials: ORG_KEY_OR_SESSION, scope: 'client:create', organization: 'context' }),
    },
    get: {
      method: 'GET',
      path: '/clients/:id',
      pathParams: z.object({ id: ClientId }),
      responses: { 200: Client, ...errors },
      summary: 'Get a client',
      metadata: meta(tag, { credentials: ORG_KEY_OR_SESSION, scope: 'client:read', organization: 'context' }),
    },
  },
  { pathPrefix: API_PREFIX },
);
