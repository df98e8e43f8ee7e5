import type { Invoice } from '@payment-gateway/contract';
import type { Kysely } from 'kysely';
import { toInvoice } from '../billing/records.js';
import type { Database } from '../storage/schema.js';

type Db = Kysely<Database>;

/**
 * What a customer (an email within one organization) may see in the portal: issued invoices
 * of that organization's clients with that email, and their recurring schedules.
 */
export async function hasIssuedInvoice(db: Db, organizationId: string, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('invoices')
    .innerJoin('clients', 'clients.id', 'invoices.client_id')
    .select('invoices.id')
    .where('invoices.organization_id', '=', organizationId)
    .where('clients.organization_id', '=', organizationId)
    .where('clients.email', '=', email)
    .where('invoices.status', '=', 'issued')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function hasSchedule(db: Db, organizationId: string, email: string, statuses: readonly ('active' | 'paused')[]): Promise<boolean> {
  const row = await db
    .selectFrom('recurring_schedules')
    .innerJoin('clients', 'clients.id', 'recurring_schedules.client_id')
    .select('recurring_schedules.id')
    .where('recurring_schedules.organization_id', '=', organizationId)
    .where('clients.organization_id', '=', organizationId)
    .where('clients.email', '=', email)
    .where('recurring_schedules.status', 'in', [...statuses])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function listVisibleInvoices(db: Db, organizationId: string, email: string, q: { page: number; limit: number }) {
  const base = db
    .selectFrom('invoices')
    .innerJoin('clients', 'clients.id', 'invoices.client_id')
    .where('invoices.organization_id', '=', organizationId)
    .where('clients.organization_id', '=', organizationId)
    .where('clients.email', '=', email)
    .where('invoices.status', '=', 'issued');
  const [rows, count] = await Promise.all([
    base.selectAll('invoices').orderBy('invoices.issued_at', 'desc').orderBy('invoices.id').limit(q.limit).offset((q.page - 1) * q.limit).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const items: Invoice[] = rows.map(toInvoice);
  return { items, total: Number(count.n), page: q.page, limit: q.limit };
}
