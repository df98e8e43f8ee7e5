import { z } from 'zod';
import { ClientId } from './clients.js';
import { API_PREFIX, c, OrganizationId, PageQuery, pageOf, ResourceId, Timestamp } from './common.js';
import { ORG_RESOURCE_ERRORS, orgRoute } from './org-route.js';

export const CreditNoteId = ResourceId('cn');
// Declared here (not imported from checkouts.ts) so transactions.ts can import CreditNote without a cycle.
const TransactionRef = ResourceId('txn');

export const CreditNote = z
  .object({
    id: CreditNoteId,
    organizationId: OrganizationId,
    number: z.string().describe('Per-organization sequence, e.g. CN-000001'),
    transactionId: TransactionRef,
    clientId: ClientId.nullable(),
    amount: z.number().int().describe('Refunded amount in minor units'),
    currency: z.string(),
    reason: z.string().nullable(),
    createdAt: Timestamp,
  })
  .describe('CreditNote');
export type CreditNote = z.infer<typeof CreditNote>;

const tag = 'Credit notes';
const errors = ORG_RESOURCE_ERRORS;

/** SPEC §5: the credit notes refunds create (read only). */
export const creditNotesContract = c.router(
  {
    list: {
      method: 'GET',
      path: '/credit-notes',
      query: PageQuery.extend({ transactionId: TransactionRef.optional() }).strict(),
      responses: { 200: pageOf(CreditNote), ...errors },
      summary: 'List credit notes',
      metadata: orgRoute(tag, 'credit_note:read'),
    },
    get: {
      method: 'GET',
      path: '/credit-notes/:id',
      pathParams: z.object({ id: CreditNoteId }),
      responses: { 200: CreditNote, ...errors },
      summary: 'Get a credit note',
      metadata: orgRoute(tag, 'credit_note:read'),
    },
  },
  { pathPrefix: API_PREFIX },
);
