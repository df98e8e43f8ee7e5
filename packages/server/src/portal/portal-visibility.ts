import type { Invoice, RecurringSchedule } from '@payment-gateway/contract';
import type { Kysely } from 'kysely';
import { toInvoice, toSchedule } from '../billing/records.js';
import { paginate, type Page } from '../storage/paginate.js';
import type { Database } from '../storage/schema.js';

type Db = Kysely<Database>;

/**
 * What a customer (an email within one organization) may see in the portal: issued invoices
 * of that organization's clients with that email, and their recurring schedules.
 */
export async function hasIssuedInvoice(db: Db, organizationId: string, email: string): Promise<boolean> {
  const row = await visibleInvoices(db, organizationId, email).select('invoices.id').limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function hasSchedule(
  db: Db,
  organizationId: string,
  email: string,
  statuses: readonly ('active' | 'paused')[],
): Promise<boolean> {
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

export function listVisibleInvoices(
  db: Db,
  organizationId: string,
  email: string,
  q: { page: number; limit: number },
): Promise<Page<Invoice>> {
  return paginate(
    visibleInvoices(db, organizationId, email).selectAll('invoices').orderBy('invoices.issued_at', 'desc').orderBy('invoices.id'),
    q,
    toInvoice,
  );
}

/** The issued invoices of this organization's clients with this email. */
function visibleInvoices(db: Db, organizationId: string, email: string) {
  return db
    .selectFrom('invoices')
    .innerJoin('clients', 'clients.id', 'invoices.client_id')
    .where('invoices.organization_id', '=', organizationId)
    .where('clients.organization_id', '=', organizationId)
    .where('clients.email', '=', email)
    .where('invoices.status', '=', 'issued');
}

/** The active recurring schedules of this organization's clients with this email, oldest first (SPEC §12). */
export function listVisibleSchedules(
  db: Db,
  organizationId: string,
  email: string,
  q: { page: number; limit: number },
): Promise<Page<RecurringSchedule>> {
  const query = db
    .selectFrom('recurring_schedules')
    .innerJoin('clients', 'clients.id', 'recurring_schedules.client_id')
    .where('recurring_schedules.organization_id', '=', organizationId)
    .where('clients.organization_id', '=', organizationId)
    .where('clients.email', '=', email)
    .where('recurring_schedules.status', '=', 'active')
    .selectAll('recurring_schedules')
    .orderBy('recurring_schedules.created_at')
    .orderBy('recurring_schedules.id');
  return paginate(query, q, toSchedule);
}
