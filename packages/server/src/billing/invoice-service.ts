import type { CreateInvoiceBody, Invoice } from '@payment-gateway/contract';
import type { Kysely, Transaction } from 'kysely';
import { recordAudit, type RequestOrigin } from '../audit/audit-log.js';
import { AppError } from '../errors/app-error.js';
import { newId } from '../util/ids.js';
import { paginate, type Page } from '../storage/paginate.js';
import type { Database, InvoicesTable } from '../storage/schema.js';
import { findInOrganization } from './find-in-organization.js';
import type { BillingServiceDeps, ClientService } from './client-service.js';
import { totalOf } from './money.js';
import { toInvoice } from './records.js';

export interface InvoiceFilter {
  page: number;
  limit: number;
  clientId?: string | undefined;
  status?: 'draft' | 'issued' | undefined;
}

/** SPEC §5 invoices: drafts, issued once with a per-organization number. */
export class InvoiceService {
  readonly #db: Kysely<Database>;
  readonly #now: () => Date;

  private readonly clients: ClientService;

  constructor(deps: BillingServiceDeps & { clients: ClientService }) {
    this.#db = deps.db;
    this.clients = deps.clients;
    this.#now = deps.now ?? (() => new Date());
  }

  /** One page of the organization's invoices, newest first, filtered by client and status. */
  async list(organizationId: string, q: InvoiceFilter): Promise<Page<Invoice>> {
    let base = this.#db.selectFrom('invoices').where('organization_id', '=', organizationId);
    if (q.clientId) base = base.where('client_id', '=', q.clientId);
    if (q.status) base = base.where('status', '=', q.status);
    return paginate(base.selectAll().orderBy('created_at', 'desc').orderBy('id'), q, toInvoice);
  }

  /**
   * @throws AppError NOT_FOUND (404) when the invoice does not exist in this organization.
   */
  async get(organizationId: string, id: string): Promise<Invoice> {
    return toInvoice(await this.#find(this.#db, organizationId, id));
  }

  /**
   * Creates a draft invoice; amounts are integers in minor units of `currency` (ISO 4217), the total
   * is the sum of `quantity × unitAmount` over the lines (SPEC §5).
   * @throws AppError NOT_FOUND (404) for a client of another organization; VALIDATION_FAILED (400)
   *   when the total exceeds the largest safe integer.
   */
  async create(organizationId: string, input: CreateInvoiceBody, origin: RequestOrigin): Promise<Invoice> {
    const total = totalOf(input.lines);
    const at = this.#now().toISOString();
    const row: InvoicesTable = {
      id: newId('inv'),
      organization_id: organizationId,
      client_id: input.clientId,
      number: null,
      status: 'draft',
      currency: input.currency,
      lines: JSON.stringify(input.lines),
      total_amount: total,
      due_date: input.dueDate ?? null,
      recurring_schedule_id: null,
      recurring_period: null,
      issued_at: null,
      created_at: at,
      updated_at: at,
    };
    await this.#db.transaction().execute(async (trx) => {
      // The client must be this organization's: another organization's id is simply unknown.
      await this.clients.find(organizationId, input.clientId, trx);
      await trx.insertInto('invoices').values(row).execute();
      await recordAudit(
        trx,
        origin,
        {
          action: 'invoice.created',
          organizationId,
          target: { type: 'invoice', id: row.id },
          metadata: { clientId: row.client_id, totalAmount: total, currency: row.currency },
        },
        this.#now(),
      );
    });
    return toInvoice(row);
  }

  /** draft → issued, assigning the next number of the organization; issuing twice is 409. */
  /**
   * Issues a draft invoice: it gets its number and becomes portal-visible (SPEC §5, §6).
   * @throws AppError NOT_FOUND (404); INVALID_STATE (409) when it was already issued (also when two
   *   issues race: exactly one wins).
   */
  async issue(organizationId: string, id: string, origin: RequestOrigin): Promise<Invoice> {
    return this.#db.transaction().execute(async (trx) => {
      const current = await this.#find(trx, organizationId, id);
      if (current.status !== 'draft')
        throw new AppError('INVALID_STATE', 'This invoice has already been issued.', { status: current.status });
      const number = await nextInvoiceNumber(trx, organizationId);
      const at = this.#now().toISOString();
      // Conditional on the draft status, so two concurrent issues cannot both succeed.
      const res = await trx
        .updateTable('invoices')
        .set({ status: 'issued', number, issued_at: at, updated_at: at })
        .where('id', '=', id)
        .where('organization_id', '=', organizationId)
        .where('status', '=', 'draft')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new AppError('INVALID_STATE', 'This invoice has already been issued.');
      await recordAudit(
        trx,
        origin,
        { action: 'invoice.issued', organizationId, target: { type: 'invoice', id }, metadata: { number } },
        this.#now(),
      );
      return toInvoice({ ...current, status: 'issued', number, issued_at: at, updated_at: at });
    });
  }

  async #find(db: Kysely<Database>, organizationId: string, id: string): Promise<InvoicesTable> {
    return findInOrganization(db, 'invoices', organizationId, id, 'invoice');
  }
}

/** Per-organization sequence: INV-000001, INV-000002, … (rolled back with the transaction). */
export async function nextInvoiceNumber(trx: Transaction<Database>, organizationId: string): Promise<string> {
  await trx
    .insertInto('invoice_counters')
    .values({ organization_id: organizationId, last_number: 0 })
    .onConflict((oc) => oc.column('organization_id').doNothing())
    .execute();
  const { last_number } = await trx
    .updateTable('invoice_counters')
    .set((eb) => ({ last_number: eb('last_number', '+', 1) }))
    .where('organization_id', '=', organizationId)
    .returning('last_number')
    .executeTakeFirstOrThrow();
  return `INV-${String(last_number).padStart(6, '0')}`;
}
