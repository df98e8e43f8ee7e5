import type { Kysely, Transaction } from 'kysely';
import { recordAudit, type RequestOrigin } from '../audit/audit-log.js';
import type { DialectName } from '../storage/dialect.js';
import type { Database, InvoicesTable, RecurringSchedulesTable } from '../storage/schema.js';
import { newId } from '../util/ids.js';
import { nextInvoiceNumber } from './invoice-service.js';
import { totalOf, type LineAmount } from './money.js';
import { nextRunAfter } from './schedule-dates.js';

/** What advancing one schedule did. */
export interface PeriodOutcome {
  /** The invoice generated for the period, if one was (not when it existed already). */
  invoiceId: string | null;
  /** The schedule completed (end date passed, or no run left in the calendar). */
  completed: boolean;
  /** Anything changed; false when the schedule was no longer due (another run got there first). */
  changed: boolean;
}

/** The audit actor of recurring processing. */
export const RECURRING_ORIGIN: RequestOrigin = { actor: { type: 'system', id: 'recurring' }, requestId: null, ip: null };

/**
 * Advances one schedule by one period, in one transaction (SPEC §5):
 * - the schedule's row is locked (PostgreSQL `FOR UPDATE`; SQLite transactions are serial), and
 *   re-read: a schedule that is no longer active, or no longer due, is left alone;
 * - a period after the end date completes the schedule;
 * - otherwise the period's invoice is generated (issued and numbered, due on the period date)
 *   unless one exists already, the next run date moves to the next period, and a schedule with
 *   no next period within its end date (or the calendar) completes.
 * The unique (recurring_schedule_id, recurring_period) index is the backstop: a second insert for
 * one period fails and rolls the whole step back, so no number is used twice.
 */
export async function advanceSchedule(
  db: Kysely<Database>,
  dialect: DialectName,
  scheduleId: string,
  today: string,
  now: Date,
  origin: RequestOrigin = RECURRING_ORIGIN,
): Promise<PeriodOutcome> {
  return db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('recurring_schedules').selectAll().where('id', '=', scheduleId);
    if (dialect === 'postgres') q = q.forUpdate();
    const s = await q.executeTakeFirst();
    const none: PeriodOutcome = { invoiceId: null, completed: false, changed: false };
    if (s?.status !== 'active') return none;
    const at = now.toISOString();
    const period = s.next_run_date;
    if (period === null || (s.end_date !== null && period > s.end_date)) {
      await complete(trx, s, at, now, origin);
      return { invoiceId: null, completed: true, changed: true };
    }
    if (period > today) return none;

    const existing = await trx
      .selectFrom('invoices')
      .select('id')
      .where('recurring_schedule_id', '=', s.id)
      .where('recurring_period', '=', period)
      .executeTakeFirst();
    let invoiceId: string | null = null;
    if (!existing) {
      const invoice = await generateInvoice(trx, s, period, at);
      invoiceId = invoice.id;
      const number = invoice.number;
      await recordAudit(
        trx,
        origin,
        {
          action: 'recurring_schedule.invoice_generated',
          organizationId: s.organization_id,
          target: { type: 'invoice', id: invoiceId },
          metadata: { scheduleId: s.id, period, number },
        },
        now,
      );
    }
    const next = nextRunAfter(s.start_date, s.interval, period);
    if (next === null || (s.end_date !== null && next > s.end_date)) {
      await complete(trx, s, at, now, origin);
      return { invoiceId, completed: true, changed: true };
    }
    await trx
      .updateTable('recurring_schedules')
      .set({ next_run_date: next, updated_at: at })
      .where('id', '=', s.id)
      .where('next_run_date', '=', period)
      .execute();
    return { invoiceId, completed: false, changed: true };
  });
}

async function generateInvoice(
  trx: Transaction<Database>,
  s: RecurringSchedulesTable,
  period: string,
  at: string,
): Promise<{ id: string; number: string | null }> {
  const lines = JSON.parse(s.lines) as LineAmount[];
  const row: InvoicesTable = {
    id: newId('inv'),
    organization_id: s.organization_id,
    client_id: s.client_id,
    number: await nextInvoiceNumber(trx, s.organization_id),
    status: 'issued',
    currency: s.currency,
    lines: s.lines,
    total_amount: totalOf(lines),
    due_date: period,
    recurring_schedule_id: s.id,
    recurring_period: period,
    issued_at: at,
    created_at: at,
    updated_at: at,
  };
  await trx.insertInto('invoices').values(row).execute();
  return { id: row.id, number: row.number };
}

async function complete(trx: Transaction<Database>, s: RecurringSchedulesTable, at: string, now: Date, origin: RequestOrigin) {
  await trx
    .updateTable('recurring_schedules')
    .set({ status: 'completed', next_run_date: null, completed_at: at, updated_at: at })
    .where('id', '=', s.id)
    .where('status', '=', 'active')
    .execute();
  await recordAudit(
    trx,
    origin,
    {
      action: 'recurring_schedule.completed',
      organizationId: s.organization_id,
      target: { type: 'recurring_schedule', id: s.id },
      metadata: { endDate: s.end_date, lastPeriod: s.next_run_date },
    },
    now,
  );
}
