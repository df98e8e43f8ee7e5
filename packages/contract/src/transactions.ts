import { z } from 'zod';
import { CheckoutId, PositiveMinorUnits, TransactionId } from './checkouts.js';
import { ClientId } from './clients.js';
import {
  API_PREFIX,
  bodyErrorResponses,
  c,
  ErrorBody,
  idempotent,
  OrganizationId,
  PageQuery,
  pageOf,
  Timestamp,
  singleLineText,
  multiLineText,
} from './common.js';
import { ORG_RESOURCE_ERRORS, orgRoute } from './org-route.js';
import { CreditNote } from './credit-notes.js';
import { IsoCurrencyCode } from './currencies.js';
import { SiteId } from './sites.js';

export const TRANSACTION_STATUSES = ['succeeded', 'partially_refunded', 'refunded'] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

export const Transaction = z
  .object({
    id: TransactionId,
    organizationId: OrganizationId,
    status: z.enum(TRANSACTION_STATUSES),
    source: z.enum(['checkout', 'manual']).describe('Paid through a checkout, or recorded with POST /transactions/manual'),
    amount: z.number().int().describe('Captured amount in minor units'),
    refundedAmount: z.number().int().describe('Sum of every refund so far, in minor units; never more than amount'),
    currency: z.string(),
    siteId: SiteId.nullable(),
    checkoutId: CheckoutId.nullable(),
    clientId: ClientId.nullable(),
    provider: z.string().describe('The payment provider that captured it (`test` for the built-in test provider, `manual`)'),
    providerReference: z.string().nullable(),
    description: z.string().nullable(),
    externalReference: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .describe('Transaction');
export type Transaction = z.infer<typeof Transaction>;

export const CreateManualTransactionBody = z
  .object({
    amount: PositiveMinorUnits,
    currency: IsoCurrencyCode,
    clientId: ClientId.optional(),
    siteId: SiteId.optional(),
    description: multiLineText(500, 1).optional(),
    externalReference: singleLineText(200).optional(),
  })
  .strict();
export type CreateManualTransactionBody = z.infer<typeof CreateManualTransactionBody>;

export const RefundBody = z
  .object({
    amount: PositiveMinorUnits.optional().describe('Minor units to refund; absent refunds everything not yet refunded'),
    reason: multiLineText(500, 1).optional(),
  })
  .strict();
export type RefundBody = z.infer<typeof RefundBody>;

export const Refund = z
  .object({ transaction: Transaction, creditNote: CreditNote })
  .describe('Refund: the transaction after the refund and the credit note it created');
export type Refund = z.infer<typeof Refund>;

/** `from`/`to` filters: createdAt ≥ from and createdAt < to. */
export const TransactionQuery = PageQuery.extend({
  status: z.enum(TRANSACTION_STATUSES).optional(),
  currency: IsoCurrencyCode.optional(),
  from: Timestamp.optional().describe('Created at or after (ISO 8601 UTC)'),
  to: Timestamp.optional().describe('Created before (ISO 8601 UTC)'),
  siteId: SiteId.optional(),
  clientId: ClientId.optional(),
}).strict();
export type TransactionQuery = z.infer<typeof TransactionQuery>;

const tag = 'Transactions';
const errors = ORG_RESOURCE_ERRORS;

/** SPEC §5: transactions (from paid checkouts or recorded manually) and their refunds. */
export const transactionsContract = c.router(
  {
    createManual: {
      method: 'POST',
      path: '/transactions/manual',
      body: CreateManualTransactionBody,
      responses: { 201: Transaction, ...errors, 409: ErrorBody, 422: ErrorBody, ...bodyErrorResponses },
      summary: 'Record a payment taken outside the gateway',
      description: 'Honours Idempotency-Key.',
      metadata: idempotent(orgRoute(tag, 'transaction:create')),
    },
    list: {
      method: 'GET',
      path: '/transactions',
      query: TransactionQuery,
      responses: { 200: pageOf(Transaction), ...errors },
      summary: 'List transactions (filters: status, currency, from, to, siteId, clientId)',
      metadata: orgRoute(tag, 'transaction:read'),
    },
    get: {
      method: 'GET',
      path: '/transactions/:id',
      pathParams: z.object({ id: TransactionId }),
      responses: { 200: Transaction, ...errors },
      summary: 'Get a transaction',
      metadata: orgRoute(tag, 'transaction:read'),
    },
    refund: {
      method: 'POST',
      path: '/transactions/:id/refund',
      pathParams: z.object({ id: TransactionId }),
      body: RefundBody,
      responses: { 201: Refund, ...errors, 409: ErrorBody, 422: ErrorBody, ...bodyErrorResponses },
      summary: 'Refund a transaction, fully or partly; creates a credit note',
      description:
        'Refunds never add up to more than the captured amount (409 REFUND_EXCEEDS_CAPTURED). Status: succeeded → partially_refunded → refunded. Honours Idempotency-Key.',
      metadata: idempotent(orgRoute(tag, 'transaction:execute')),
    },
  },
  { pathPrefix: API_PREFIX },
);
