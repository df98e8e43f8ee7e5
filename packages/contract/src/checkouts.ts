import { z } from 'zod';
import { ClientId } from './clients.js';
import {
  API_PREFIX,
  bodyErrorResponses,
  c,
  Email,
  ErrorBody,
  idempotent,
  OrganizationId,
  PageQuery,
  pageOf,
  ResourceId,
  Timestamp,
  singleLineText,
} from './common.js';
import { ORG_RESOURCE_ERRORS, orgRoute } from './org-route.js';
import { IsoCurrencyCode } from './currencies.js';
import { SiteId, WebUrl } from './sites.js';

export const CheckoutId = ResourceId('chk');
export const TransactionId = ResourceId('txn');

/** The largest amount (minor units) of a checkout or a transaction: 10^11, far inside a safe integer. */
export const MAX_AMOUNT = 100_000_000_000;

/** Minor units: an integer, e.g. 1999 for EUR 19.99. */
export const MinorUnits = z.number().int().min(0).max(MAX_AMOUNT).describe('Integer amount in minor units (e.g. cents)');
/** A payable amount: at least 1 minor unit. */
export const PositiveMinorUnits = z
  .number()
  .int()
  .min(1)
  .max(MAX_AMOUNT)
  .describe('Integer amount in minor units (e.g. cents), at least 1');

export const CHECKOUT_ITEM_TYPES = ['goods', 'digital_service', 'shipping', 'tax', 'discount'] as const;

/**
 * One line of a checkout. Prices are gross (VAT included); `vatRate` is informational (percent).
 * A `discount` item's `quantity × unitPrice` is subtracted from the sum, every other type adds.
 */
export const CheckoutItem = z
  .object({
    name: singleLineText(200),
    quantity: z.number().int().min(1).max(1_000_000),
    unitPrice: MinorUnits.describe('Price of one unit in minor units, VAT included; discounts are positive and subtracted'),
    vatRate: z.number().min(0).max(100).optional().describe('VAT rate in percent, e.g. 21'),
    itemType: z.enum(CHECKOUT_ITEM_TYPES),
  })
  .strict();
export type CheckoutItem = z.infer<typeof CheckoutItem>;

/** Free-form merchant data: up to 20 string values. */
export const Metadata = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((m) => Object.keys(m).length <= 20, { message: 'at most 20 keys' })
  .describe('Up to 20 string values of your own (keys 1-40 characters, values up to 500)');

/** A URL the payment page redirects to; `{transactionId}` in it is replaced by the transaction id. */
const RedirectUrl = WebUrl.describe(
  'Absolute https:// URL (http:// only for localhost, 127.0.0.1 or [::1]); {transactionId} is replaced by the transaction id (empty on cancel)',
);

export const CreateCheckoutBody = z
  .object({
    amount: PositiveMinorUnits,
    currency: IsoCurrencyCode.optional().describe("ISO 4217 code; defaults to the site's defaultCurrency"),
    email: Email,
    externalReference: singleLineText(200).optional(),
    invoiceNumber: singleLineText(64).optional(),
    clientId: ClientId.optional(),
    returnUrl: RedirectUrl.optional(),
    cancelUrl: RedirectUrl.optional(),
    items: z.array(CheckoutItem).min(1).max(100).describe('Must add up to amount (discounts subtract)'),
    metadata: Metadata.optional(),
  })
  .strict();
export type CreateCheckoutBody = z.infer<typeof CreateCheckoutBody>;

export const CreatedCheckout = z
  .object({
    id: CheckoutId,
    sessionPublicId: z.string().describe('Public id of the payment session, safe to show the customer'),
    shortCode: z.string().describe('The code in paymentUrl'),
    paymentUrl: z.string().describe('{PUBLIC_BASE_URL}/checkout/{shortCode}: the hosted payment page'),
  })
  .describe('CreatedCheckout');
export type CreatedCheckout = z.infer<typeof CreatedCheckout>;

export const CHECKOUT_STATUSES = ['open', 'completed', 'cancelled', 'expired'] as const;
export type CheckoutStatus = (typeof CHECKOUT_STATUSES)[number];

export const Checkout = z
  .object({
    id: CheckoutId,
    organizationId: OrganizationId,
    siteId: SiteId,
    status: z.enum(CHECKOUT_STATUSES),
    amount: z.number().int(),
    currency: z.string(),
    email: z.string(),
    externalReference: z.string().nullable(),
    invoiceNumber: z.string().nullable(),
    clientId: ClientId.nullable(),
    returnUrl: z.string().nullable(),
    cancelUrl: z.string().nullable(),
    items: z.array(CheckoutItem),
    metadata: z.record(z.string()),
    sessionPublicId: z.string(),
    shortCode: z.string(),
    paymentUrl: z.string(),
    transactionId: TransactionId.nullable().describe('The transaction that paid it, once completed'),
    expiresAt: Timestamp,
    completedAt: Timestamp.nullable(),
    cancelledAt: Timestamp.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .describe('Checkout');
export type Checkout = z.infer<typeof Checkout>;

export const UpdateCheckoutBody = z
  .object({
    externalReference: singleLineText(200).nullable().optional(),
    metadata: Metadata.optional().describe('Replaces the metadata'),
  })
  .strict();
export type UpdateCheckoutBody = z.infer<typeof UpdateCheckoutBody>;

const tag = 'Checkouts';
const errors = ORG_RESOURCE_ERRORS;
const params = z.object({ id: CheckoutId });

/** SPEC §5, §12: checkouts and their hosted payment page. */
export const checkoutsContract = c.router(
  {
    create: {
      method: 'POST',
      path: '/checkouts/:siteId/create',
      pathParams: z.object({ siteId: SiteId }),
      body: CreateCheckoutBody,
      responses: { 201: CreatedCheckout, ...errors, 409: ErrorBody, 422: ErrorBody, ...bodyErrorResponses },
      summary: 'Create a checkout and its payment link',
      description: 'The items must add up to amount (400 CHECKOUT_AMOUNT_MISMATCH). Honours Idempotency-Key.',
      metadata: idempotent(orgRoute(tag, 'checkout:create')),
    },
    list: {
      method: 'GET',
      path: '/checkouts',
      query: PageQuery.extend({ status: z.enum(CHECKOUT_STATUSES).optional(), siteId: SiteId.optional() }).strict(),
      responses: { 200: pageOf(Checkout), ...errors },
      summary: 'List checkouts',
      metadata: orgRoute(tag, 'checkout:read'),
    },
    get: {
      method: 'GET',
      path: '/checkouts/:id',
      pathParams: params,
      responses: { 200: Checkout, ...errors },
      summary: 'Get a checkout',
      metadata: orgRoute(tag, 'checkout:read'),
    },
    update: {
      method: 'PATCH',
      path: '/checkouts/:id',
      pathParams: params,
      body: UpdateCheckoutBody,
      responses: { 200: Checkout, ...errors, 409: ErrorBody, ...bodyErrorResponses },
      summary: 'Update an open checkout (externalReference, metadata)',
      metadata: orgRoute(tag, 'checkout:update'),
    },
  },
  { pathPrefix: API_PREFIX },
);
