import type { CreateManualTransactionBody, Refund, RefundBody, Transaction, TransactionQuery } from '@payment-gateway/contract';
import { sql, type Kysely, type Transaction as Trx } from 'kysely';
import { recordAudit, type RequestOrigin } from '../audit/audit-log.js';
import { AppError } from '../errors/app-error.js';
import type { CreditNotesTable, TransactionsTable } from '../storage/commerce-schema.js';
import { paginate, type Page } from '../storage/paginate.js';
import type { Database } from '../storage/schema.js';
import { newId } from '../util/ids.js';
import { storedWindow } from '../storage/time-window.js';
import type { CommerceDeps } from './commerce-deps.js';
import { findOwned } from './find-owned.js';
import { toCreditNote, toTransaction } from './records.js';
import type { SiteService } from './site-service.js';

export type TransactionFilter = Omit<TransactionQuery, 'page' | 'limit'> & { page: number; limit: number };

/** SPEC §5 transactions: from paid checkouts or recorded manually; refunds create credit notes. */
export class TransactionService {
  readonly #db: Kysely<Database>;
  readonly #now: () => Date;
  readonly #sites: SiteService;

  constructor(deps: CommerceDeps & { sites: SiteService }) {
    this.#db = deps.db;
    this.#now = deps.now ?? (() => new Date());
    this.#sites = deps.sites;
  }

  /**
   * Filters: status, currency, siteId, clientId, and createdAt ≥ from, createdAt < to.
   * @throws AppError VALIDATION_FAILED when `from` is not before `to`
   */
  async list(organizationId: string, q: TransactionFilter): Promise<Page<Transaction>> {
    const window = storedWindow(q, 'query');
    let base = this.#db.selectFrom('transactions').where('organization_id', '=', organizationId);
    if (q.status) base = base.where('status', '=', q.status);
    if (q.currency) base = base.where('currency', '=', q.currency);
    if (q.siteId) base = base.where('site_id', '=', q.siteId);
    if (q.clientId) base = base.where('client_id', '=', q.clientId);
    // Normalised to toISOString() form, so text comparison matches stored timestamps (…00.000Z vs …00Z).
    if (window.from) base = base.where('created_at', '>=', window.from);
    if (window.to) base = base.where('created_at', '<', window.to);
    return paginate(base.selectAll().orderBy('created_at', 'desc').orderBy('id'), q, toTransaction);
  }

  /** @throws AppError NOT_FOUND */
  async get(organizationId: string, id: string): Promise<Transaction> {
    return toTransaction(await findOwned(this.#db, 'transactions', organizationId, id, 'transaction'));
  }

  /**
   * Records a payment taken outside the gateway as a succeeded transaction.
   * @throws AppError NOT_FOUND (clientId or siteId unknown in this organization)
   */
  async createManual(organizationId: string, input: CreateManualTransactionBody, origin: RequestOrigin): Promise<Transaction> {
    const at = this.#now().toISOString();
    const row: TransactionsTable = {
      id: newId('txn'),
      organization_id: organizationId,
      status: 'succeeded',
      source: 'manual',
      amount: input.amount,
      refunded_amount: 0,
      currency: input.currency,
      site_id: input.siteId ?? null,
      checkout_id: null,
      client_id: input.clientId ?? null,
      provider: 'manual',
      provider_reference: null,
      description: input.description ?? null,
      external_reference: input.externalReference ?? null,
      created_at: at,
      updated_at: at,
    };
    await this.#db.transaction().execute(async (trx) => {
      if (input.clientId) await findOwned(trx, 'clients', organizationId, input.clientId, 'client');
      if (input.siteId) await this.#sites.findForWrite(organizationId, input.siteId, trx);
      await trx.insertInto('transactions').values(row).execute();
      await recordAudit(
        trx,
        origin,
        {
          action: 'transaction.created',
          organizationId,
          target: { type: 'transaction', id: row.id },
          metadata: { amount: row.amount, currency: row.currency },
        },
        this.#now(),
      );
    });
    return toTransaction(row);
  }

  /**
   * Refunds `amount` (or everything not yet refunded) and creates a credit note, in one
   * transaction. The refunded total grows by one conditional UPDATE
   * (`refunded_amount + x <= amount`), so concurrent refunds on either dialect never add up to
   * more than was captured: PostgreSQL re-checks the condition on the locked row, SQLite
   * serialises writers.
   * @throws AppError NOT_FOUND, REFUND_EXCEEDS_CAPTURED (409, details `{ refundable, requested }`)
   */
  async refund(organizationId: string, id: string, input: RefundBody, origin: RequestOrigin): Promise<Refund> {
    return this.#db.transaction().execute(async (trx) => {
      const current = await findOwned(trx, 'transactions', organizationId, id, 'transaction');
      const refundable = Number(current.amount) - Number(current.refunded_amount);
      const requested = input.amount ?? refundable;
      if (requested <= 0 || requested > refundable) throw exceeds(refundable, requested);
      const at = this.#now().toISOString();
      const updated = await trx
        .updateTable('transactions')
        .set({
          refunded_amount: sql<number>`refunded_amount + ${requested}`,
          status: sql<
            TransactionsTable['status']
          >`case when refunded_amount + ${requested} >= amount then 'refunded' else 'partially_refunded' end`,
          updated_at: at,
        })
        .where('id', '=', id)
        .where('organization_id', '=', organizationId)
        .where(sql<boolean>`refunded_amount + ${requested} <= amount`)
        .returningAll()
        .executeTakeFirst();
      if (!updated) {
        // A concurrent refund got there first: report what is refundable now.
        const now = await findOwned(trx, 'transactions', organizationId, id, 'transaction');
        throw exceeds(Number(now.amount) - Number(now.refunded_amount), requested);
      }
      const note: CreditNotesTable = {
        id: newId('cn'),
        organization_id: organizationId,
        number: await nextCreditNoteNumber(trx, organizationId),
        transaction_id: id,
        client_id: current.client_id,
        amount: requested,
        currency: current.currency,
        reason: input.reason ?? null,
        created_at: at,
      };
      await trx.insertInto('credit_notes').values(note).execute();
      await recordAudit(
        trx,
        origin,
        {
          action: 'transaction.refunded',
          organizationId,
          target: { type: 'transaction', id },
          metadata: { amount: requested, currency: note.currency, creditNoteId: note.id },
        },
        this.#now(),
      );
      return { transaction: toTransaction(updated), creditNote: toCreditNote(note) };
    });
  }
}

function exceeds(refundable: number, requested: number): AppError {
  return new AppError(
    'REFUND_EXCEEDS_CAPTURED',
    refundable === 0
      ? 'This transaction has been refunded in full; nothing is left to refund.'
      : `Only ${refundable} minor units of this transaction can still be refunded (requested ${requested}).`,
    { refundable, requested },
  );
}

/** Per-organization sequence CN-000001, CN-000002, … (rolled back with the transaction). */
async function nextCreditNoteNumber(trx: Trx<Database>, organizationId: string): Promise<string> {
  await trx
    .insertInto('credit_note_counters')
    .values({ organization_id: organizationId, last_number: 0 })
    .onConflict((oc) => oc.column('organization_id').doNothing())
    .execute();
  const { last_number } = await trx
    .updateTable('credit_note_counters')
    .set((eb) => ({ last_number: eb('last_number', '+', 1) }))
    .where('organization_id', '=', organizationId)
    .returning('last_number')
    .executeTakeFirstOrThrow();
  return `CN-${String(last_number).padStart(6, '0')}`;
}
