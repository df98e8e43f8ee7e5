import type { CheckoutItem } from '@payment-gateway/contract';
import type { Kysely } from 'kysely';
import { recordAudit, type RequestOrigin } from '../audit/audit-log.js';
import type { CheckoutsTable, TransactionsTable } from '../storage/commerce-schema.js';
import type { Database } from '../storage/schema.js';
import { newId } from '../util/ids.js';
import type { CommerceDeps } from './commerce-deps.js';
import type { PaymentProvider } from './payment-provider.js';
import { effectiveCheckoutStatus } from './records.js';

/** What the hosted payment page shows of a checkout (SPEC §12): nothing the customer should not see. */
export interface PaymentPageView {
  shortCode: string;
  status: CheckoutsTable['status'];
  amount: number;
  currency: string;
  email: string;
  items: CheckoutItem[];
  invoiceNumber: string | null;
  siteName: string;
  siteUrl: string;
  returnUrl: string | null;
  cancelUrl: string | null;
  transactionId: string | null;
}

/**
 * What a customer's action on the page led to:
 * - `paid`: this request (or an earlier one) paid it; `transactionId` is the one transaction;
 * - `declined`: the provider declined; the checkout stays open;
 * - `cancelled`: the customer cancelled it;
 * - `closed`: it was not open (already cancelled, expired, or paid when cancelling).
 */
export type PaymentResult =
  | { kind: 'paid'; view: PaymentPageView; transactionId: string }
  | { kind: 'declined'; view: PaymentPageView; reason: string }
  | { kind: 'cancelled'; view: PaymentPageView }
  | { kind: 'closed'; view: PaymentPageView };

/** Who acts on the payment page: the customer, known only by the request. */
export function customerOrigin(requestId: string, ip: string): RequestOrigin {
  return { actor: { type: 'system', id: 'checkout-page' }, requestId, ip };
}

/** SPEC §12: the hosted payment page's actions (pay, decline, cancel) on a checkout found by its short code. */
export class PaymentService {
  readonly #db: Kysely<Database>;
  readonly #now: () => Date;
  readonly #provider: PaymentProvider;

  constructor(deps: CommerceDeps & { provider: PaymentProvider }) {
    this.#db = deps.db;
    this.#now = deps.now ?? (() => new Date());
    this.#provider = deps.provider;
  }

  /** The page's view of a checkout, or null for an unknown short code. */
  async view(shortCode: string, db: Kysely<Database> = this.#db): Promise<PaymentPageView | null> {
    const row = await db
      .selectFrom('checkouts')
      .innerJoin('sites', 'sites.id', 'checkouts.site_id')
      .selectAll('checkouts')
      .select(['sites.name as site_name', 'sites.url as site_url'])
      .where('checkouts.short_code', '=', shortCode)
      .executeTakeFirst();
    if (!row) return null;
    return {
      shortCode: row.short_code,
      status: effectiveCheckoutStatus(row, this.#now()),
      amount: Number(row.amount),
      currency: row.currency,
      email: row.email,
      items: JSON.parse(row.items) as CheckoutItem[],
      invoiceNumber: row.invoice_number,
      siteName: row.site_name,
      siteUrl: row.site_url,
      returnUrl: row.return_url,
      cancelUrl: row.cancel_url,
      transactionId: row.transaction_id,
    };
  }

  /**
   * Pays an open checkout through the provider. The checkout is claimed by a conditional UPDATE
   * (open and unexpired → completed) before the provider is asked, inside one database
   * transaction with the transaction row: of concurrent or repeated payments exactly one charges
   * and creates a transaction; the others find it completed and get the same transaction id.
   * A decline rolls the claim back, so the checkout stays open. Null for an unknown short code.
   */
  async pay(shortCode: string, submitted: Readonly<Record<string, string>>, origin: RequestOrigin): Promise<PaymentResult | null> {
    return this.#db
      .transaction()
      .execute(async (trx): Promise<PaymentResult | null> => {
        const view = await this.view(shortCode, trx);
        if (!view) return null;
        if (view.status !== 'open') return closedOrPaid(view);
        const checkout = await trx.selectFrom('checkouts').selectAll().where('short_code', '=', shortCode).executeTakeFirstOrThrow();
        const now = this.#now();
        const at = now.toISOString();
        const transactionId = newId('txn');
        const claimed = await trx
          .updateTable('checkouts')
          .set({ status: 'completed', transaction_id: transactionId, completed_at: at, updated_at: at })
          .where('id', '=', checkout.id)
          .where('status', '=', 'open')
          .where('expires_at', '>', at)
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) {
          const again = await this.view(shortCode, trx);
          return again ? closedOrPaid(again) : null;
        }
        const charged = await this.#provider.charge(
          {
            organizationId: checkout.organization_id,
            checkoutId: checkout.id,
            amount: Number(checkout.amount),
            currency: checkout.currency,
            email: checkout.email,
          },
          submitted,
        );
        // Thrown, so the claim rolls back and the checkout stays open.
        if (charged.status === 'declined') throw new Declined({ kind: 'declined', view, reason: charged.reason });
        const row: TransactionsTable = {
          id: transactionId,
          organization_id: checkout.organization_id,
          status: 'succeeded',
          source: 'checkout',
          amount: Number(checkout.amount),
          refunded_amount: 0,
          currency: checkout.currency,
          site_id: checkout.site_id,
          checkout_id: checkout.id,
          client_id: checkout.client_id,
          provider: this.#provider.name,
          provider_reference: charged.providerReference,
          description: checkout.invoice_number ? `Invoice ${checkout.invoice_number}` : null,
          external_reference: checkout.external_reference,
          created_at: at,
          updated_at: at,
        };
        await trx.insertInto('transactions').values(row).execute();
        await recordAudit(
          trx,
          origin,
          {
            action: 'checkout.completed',
            organizationId: checkout.organization_id,
            target: { type: 'checkout', id: checkout.id },
            metadata: { transactionId, amount: row.amount, currency: row.currency, provider: row.provider },
          },
          now,
        );
        return { kind: 'paid', transactionId, view: { ...view, status: 'completed', transactionId } };
      })
      .catch((err: unknown) => {
        if (err instanceof Declined) return err.result;
        throw err;
      });
  }

  /** The customer cancels an open checkout. Null for an unknown short code. */
  async cancel(shortCode: string, origin: RequestOrigin): Promise<PaymentResult | null> {
    return this.#db.transaction().execute(async (trx) => {
      const view = await this.view(shortCode, trx);
      if (!view) return null;
      if (view.status !== 'open') return closedOrPaid(view);
      const at = this.#now().toISOString();
      const res = await trx
        .updateTable('checkouts')
        .set({ status: 'cancelled', cancelled_at: at, updated_at: at })
        .where('short_code', '=', shortCode)
        .where('status', '=', 'open')
        .where('expires_at', '>', at)
        .returning(['id', 'organization_id'])
        .executeTakeFirst();
      if (!res) {
        const again = await this.view(shortCode, trx);
        return again ? closedOrPaid(again) : null;
      }
      await recordAudit(
        trx,
        origin,
        { action: 'checkout.cancelled', organizationId: res.organization_id, target: { type: 'checkout', id: res.id } },
        this.#now(),
      );
      return { kind: 'cancelled' as const, view: { ...view, status: 'cancelled' as const } };
    });
  }
}

class Declined extends Error {
  constructor(readonly result: PaymentResult) {
    super('declined');
  }
}

function closedOrPaid(view: PaymentPageView): PaymentResult {
  return view.status === 'completed' && view.transactionId
    ? { kind: 'paid', view, transactionId: view.transactionId }
    : { kind: 'closed', view };
}
