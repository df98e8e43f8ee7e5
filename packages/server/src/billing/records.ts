import type { Client, Invoice, RecurringSchedule } from '@payment-gateway/contract';
import type { ClientsTable, InvoicesTable, RecurringSchedulesTable } from '../storage/schema.js';

type Line = Invoice['lines'][number];

/** Row → API shapes of the billing resources. */
export function toClient(r: ClientsTable): Client {
  return {
    id: r.id,
    organizationId: r.organization_id,
    email: r.email,
    name: r.name,
    externalId: r.external_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toInvoice(r: InvoicesTable): Invoice {
  return {
    id: r.id,
    organizationId: r.organization_id,
    clientId: r.client_id,
    number: r.number,
    status: r.status,
    currency: r.currency,
    lines: JSON.parse(r.lines) as Line[],
    totalAmount: Number(r.total_amount),
    dueDate: r.due_date,
    recurringScheduleId: r.recurring_schedule_id,
    issuedAt: r.issued_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toSchedule(r: RecurringSchedulesTable): RecurringSchedule {
  return {
    id: r.id,
    organizationId: r.organization_id,
    clientId: r.client_id,
    status: r.status,
    interval: r.interval,
    currency: r.currency,
    lines: JSON.parse(r.lines) as Line[],
    startDate: r.start_date,
    nextRunDate: r.next_run_date,
    endDate: r.end_date,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    cancelledAt: r.cancelled_at,
  };
}
