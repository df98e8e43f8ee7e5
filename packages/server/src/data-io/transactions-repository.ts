import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';
import type { ExportWindow, PageCursor } from './export-window.js';

/** One transaction as an export writes it (contract `ExportedTransaction`, CSV_COLUMNS.transactions). */
export interface ExportedTransaction {
  id: string;
  status: string;
  source: string | null;
  amount: number;
  refundedAmount: number | null;
  currency: string;
  clientId: string | null;
  siteId: string | null;
  checkoutId: string | null;
  provider: string | null;
  description: string | null;
  externalReference: string | null;
  createdAt: string;
  updatedAt: string | null;
}

type Row = Record<string, unknown>;

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const amount = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * A page of the organization's transactions from the `transactions` table (created by the
 * commerce migration, 005): read with `selectAll` and mapped by column name, so the export
 * depends only on `id`, `organization_id`, `created_at` and the columns it knows
 * (`status`, `source`, `amount`, `refunded_amount`, `currency`, `client_id`, `site_id`,
 * `checkout_id`, `provider`, `description`, `external_reference`, `updated_at`; a missing one
 * exports as empty). Where the table does not exist yet, an
 * export of transactions is empty.
 */
export async function transactionsPage(
  db: Kysely<Database>,
  window: ExportWindow,
  after: PageCursor | null,
  limit: number,
): Promise<ExportedTransaction[]> {
  // The table is not part of this branch's schema type: typed loosely, mapped by name below.
  const loose = db as unknown as Kysely<Record<string, Row>>;
  let q = loose
    .selectFrom('transactions')
    .selectAll()
    .where('organization_id', '=', window.organizationId)
    .where('created_at', '<', window.to);
  if (window.from) q = q.where('created_at', '>=', window.from);
  if (after) {
    const { createdAt, id } = after;
    q = q.where((eb) => eb.or([eb('created_at', '>', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)])]));
  }
  let rows: Row[];
  try {
    rows = await q.orderBy('created_at').orderBy('id').limit(limit).execute();
  } catch (err) {
    if (isMissingTable(err)) return [];
    throw err;
  }
  return rows.map((r) => ({
    id: String(r.id),
    status: text(r.status) ?? '',
    source: text(r.source),
    amount: amount(r.amount) ?? 0,
    refundedAmount: amount(r.refunded_amount),
    currency: text(r.currency) ?? '',
    clientId: text(r.client_id),
    siteId: text(r.site_id),
    checkoutId: text(r.checkout_id),
    provider: text(r.provider),
    description: text(r.description),
    externalReference: text(r.external_reference),
    createdAt: String(r.created_at),
    updatedAt: text(r.updated_at),
  }));
}

/** PostgreSQL 42P01 undefined_table; SQLite "no such table". */
function isMissingTable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === '42P01' || (typeof e?.message === 'string' && /no such table: transactions/.test(e.message));
}
