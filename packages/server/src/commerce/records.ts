import type { Checkout, CheckoutItem, CreditNote, Site, Transaction } from '@payment-gateway/contract';
import type { CheckoutsTable, CreditNotesTable, SitesTable, TransactionsTable } from '../storage/commerce-schema.js';

/** Row → API shapes of the commerce resources (SPEC §5). */
export function toSite(r: SitesTable): Site {
  return {
    id: r.id,
    organizationId: r.organization_id,
    name: r.name,
    url: r.url,
    defaultCurrency: r.default_currency,
    createdAt: r.created_at,
  };
}

/**
 * The status a customer and the API see: an `open` checkout past its expiry is `expired`
 * (expiry is evaluated on read; no timer is needed, and paying checks it in the same statement).
 */
export function effectiveCheckoutStatus(r: Pick<CheckoutsTable, 'status' | 'expires_at'>, now: Date): CheckoutsTable['status'] {
  return r.status === 'open' && r.expires_at <= now.toISOString() ? 'expired' : r.status;
}

/** `paymentUrl` of a checkout: `{PUBLIC_BASE_URL}/checkout/{shortCode}` (SPEC §5, §12). */
export function paymentUrlOf(baseUrl: string, shortCode: string): string {
  return `${baseUrl}/checkout/${encodeURIComponent(shortCode)}`;
}

export function toCheckout(r: CheckoutsTable, baseUrl: string, now: Date): Checkout {
  return {
    id: r.id,
    organizationId: r.organization_id,
    siteId: r.site_id,
    status: effectiveCheckoutStatus(r, now),
    amount: Number(r.amount),
    currency: r.currency,
    email: r.email,
    externalReference: r.external_reference,
    invoiceNumber: r.invoice_number,
    clientId: r.client_id,
    returnUrl: r.return_url,
    cancelUrl: r.cancel_url,
    items: JSON.parse(r.items) as CheckoutItem[],
    metadata: JSON.parse(r.metadata) as Record<string, string>,
    sessionPublicId: r.session_public_id,
    shortCode: r.short_code,
    paymentUrl: paymentUrlOf(baseUrl, r.short_code),
    transactionId: r.transaction_id,
    expiresAt: r.expires_at,
    completedAt: r.completed_at,
    cancelledAt: r.cancelled_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toTransaction(r: TransactionsTable): Transaction {
  return {
    id: r.id,
    organizationId: r.organization_id,
    status: r.status,
    source: r.source,
    amount: Number(r.amount),
    refundedAmount: Number(r.refunded_amount),
    currency: r.currency,
    siteId: r.site_id,
    checkoutId: r.checkout_id,
    clientId: r.client_id,
    provider: r.provider,
    providerReference: r.provider_reference,
    description: r.description,
    externalReference: r.external_reference,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toCreditNote(r: CreditNotesTable): CreditNote {
  return {
    id: r.id,
    organizationId: r.organization_id,
    number: r.number,
    transactionId: r.transaction_id,
    clientId: r.client_id,
    amount: Number(r.amount),
    currency: r.currency,
    reason: r.reason,
    createdAt: r.created_at,
  };
}
