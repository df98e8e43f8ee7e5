import type { Client, DataEntityType, Invoice } from '@payment-gateway/contract';
import type { Kysely } from 'kysely';
import { toClient, toInvoice } from '../billing/records.js';
import type { Database } from '../storage/schema.js';
import type { ExportWindow, PageCursor } from './export-window.js';
import { transactionsPage, type ExportedTransaction } from './transactions-repository.js';

/** Records per database round trip of an export. */
export const EXPORT_PAGE_SIZE = 500;

export type ExportRecord = Client | Invoice | ExportedTransaction;

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
      return transactionsPage(db, window, after, limit);
    default: {
      const never: never = entity;
      throw new Error(`unknown entity ${String(never)}`);
    }
  }
}

async function keyset<T extends 'clients' | 'invoices'>(
  db: Kysely<Database>,
  table: T,
  window: ExportWindow,
  after: PageCursor | null,
  limit: number,
) {
  let q = db
    .selectFrom(table as 'clients' | 'invoices')
    .selectAll()
    .where('organization_id', '=', window.organizationId)
    .where('created_at', '<', window.to);
  if (window.from) q = q.where('created_at', '>=', window.from);
  if (after) {
    const { createdAt, id } = after;
    q = q.where((eb) => eb.or([eb('created_at', '>', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)])]));
  }
  return (await q.orderBy('created_at').orderBy('id').limit(limit).execute()) as Database[T][];
}
