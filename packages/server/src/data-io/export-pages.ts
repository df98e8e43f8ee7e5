import type { Client, DataEntityType, Invoice, Transaction } from '@payment-gateway/contract';
import type { Kysely } from 'kysely';
import { toClient, toInvoice } from '../billing/records.js';
import { toTransaction } from '../commerce/records.js';
import type { Database } from '../storage/schema.js';
import type { ExportWindow, PageCursor } from './export-window.js';

/** Records per database round trip of an export. */
export const EXPORT_PAGE_SIZE = 500;

/** What an export writes: the API shape of each entity (the contract's Client, Invoice, Transaction). */
export type ExportRecord = Client | Invoice | Transaction;

/** The tables an export reads; each has `organization_id`, `created_at` and `id`, indexed for this range read. */
type ExportTable = 'clients' | 'invoices' | 'transactions';

/**
 * One page of an organization's records, oldest first, strictly after `after` (keyset
 * pagination: each page is one indexed range read, whatever the depth, and records created
 * during the export never shift pages). Never another organization's.
 */
export async function exportPage(
  db: Kysely<Database>,
  entity: DataEntityType,
  window: ExportWindow,
  after: PageCursor | null,
  limit = EXPORT_PAGE_SIZE,
): Promise<ExportRecord[]> {
  switch (entity) {
    case 'clients':
      return (await keyset(db, 'clients', window, after, limit)).map(toClient);
    case 'invoices':
      return (await keyset(db, 'invoices', window, after, limit)).map(toInvoice);
    case 'transactions':
      return (await keyset(db, 'transactions', window, after, limit)).map(toTransaction);
    default: {
      const never: never = entity;
      throw new Error(`unknown entity ${String(never)}`);
    }
  }
}

async function keyset<T extends ExportTable>(
  db: Kysely<Database>,
  table: T,
  window: ExportWindow,
  after: PageCursor | null,
  limit: number,
) {
  let q = db
    .selectFrom(table as ExportTable)
    .selectAll()
    .where('organization_id', '=', window.organizationId)
    .where('created_at', '<', window.to);
  if (window.from) q = q.where('created_at', '>=', window.from);
  if (after) {
    const { createdAt, id } = after;
    q = q.where((eb) => eb.or([eb('created_at', '>', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)])]));
  }
  // Kysely types a select over the union of tables as one merged row; each row is the named table's.
  return (await q.orderBy('created_at').orderBy('id').limit(limit).execute()) as unknown as Database[T][];
}
