import type { AuditAction, CreateRecurringScheduleBody, RecurringSchedule } from '@payment-gateway/contract';
import type { Kysely } from 'kysely';
import { recordAudit, type RequestOrigin } from '../audit/audit-log.js';
import { AppError } from '../errors/app-error.js';
import { newId } from '../util/ids.js';
import { paginate, type Page } from '../storage/paginate.js';
import type { Database, RecurringSchedulesTable } from '../storage/schema.js';
import { findInOrganization } from './find-in-organization.js';
import type { BillingServiceDeps, ClientService } from './client-service.js';
import { totalOf } from './money.js';
import { toSchedule } from './records.js';
import { nextRunOnOrAfter, utcDate } from './schedule-dates.js';

type Status = RecurringSchedulesTable['status'];
export type ScheduleAction = 'pause' | 'resume' | 'cancel';

/** Which states each action leaves from, and where it goes. Cancelled is final. */
const TRANSITIONS: Record<ScheduleAction, { from: readonly Status[]; to: Status; audit: AuditAction }> = {
  pause: { from: ['active'], to: 'paused', audit: 'recurring_schedule.paused' },
  resume: { from: ['paused'], to: 'active', audit: 'recurring_schedule.resumed' },
  cancel: { from: ['active', 'paused'], to: 'cancelled', audit: 'recurring_schedule.cancelled' },
};

/** SPEC §5 recurring schedules (the invoice scope family): create, pause, resume, cancel. */
export class ScheduleService {
  readonly #db: Kysely<Database>;
  readonly #now: () => Date;

  private readonly clients: ClientService;

  constructor(deps: BillingServiceDeps & { clients: ClientService }) {
    this.#db = deps.db;
    this.clients = deps.clients;
    this.#now = deps.now ?? (() => new Date());
  }

  async list(
    organizationId: string,
    q: { page: number; limit: number; clientId?: string | undefined; status?: Status | undefined },
  ): Promise<Page<RecurringSchedule>> {
    let base = this.#db.selectFrom('recurring_schedules').where('organization_id', '=', organizationId);
    if (q.clientId) base = base.where('client_id', '=', q.clientId);
    if (q.status) base = base.where('status', '=', q.status);
    return paginate(base.selectAll().orderBy('created_at', 'desc').orderBy('id'), q, (r) => this.#present(r));
  }

  async get(organizationId: string, id: string): Promise<RecurringSchedule> {
    return this.#present(await this.#find(this.#db, organizationId, id));
  }

  async create(organizationId: string, input: CreateRecurringScheduleBody, origin: RequestOrigin): Promise<RecurringSchedule> {
    totalOf(input.lines);
    const now = this.#now();
    if (input.startDate < utcDate(now)) {
      throw new AppError('VALIDATION_FAILED', 'startDate cannot be in the past.', {
        issues: [{ path: 'body.startDate', message: `must be ${utcDate(now)} (today, UTC) or later` }],
      });
    }
    if (input.endDate !== undefined && input.endDate < input.startDate) {
      throw new AppError('VALIDATION_FAILED', 'endDate cannot be before startDate.', {
        issues: [{ path: 'body.endDate', message: `must be ${input.startDate} (startDate) or later` }],
      });
    }
    const at = now.toISOString();
    const row: RecurringSchedulesTable = {
      id: newId('rec'),
      organization_id: organizationId,
      client_id: input.clientId,
      status: 'active',
      interval: input.interval,
      currency: input.currency,
      lines: JSON.stringify(input.lines),
      start_date: input.startDate,
      next_run_date: input.startDate,
      created_at: at,
      updated_at: at,
      cancelled_at: null,
      end_date: input.endDate ?? null,
      completed_at: null,
    };
    await this.#db.transaction().execute(async (trx) => {
      await this.clients.find(organizationId, input.clientId, trx);
      await trx.insertInto('recurring_schedules').values(row).execute();
      await recordAudit(
        trx,
        origin,
        {
          action: 'recurring_schedule.created',
          organizationId,
          target: { type: 'recurring_schedule', id: row.id },
          metadata: { clientId: row.client_id, interval: row.interval, startDate: row.start_date, endDate: row.end_date },
        },
        now,
      );
    });
    return toSchedule(row);
  }

  /** pause (active → paused), resume (paused → active), cancel (active|paused → cancelled); anything else is 409. */
  async transition(organizationId: string, id: string, action: ScheduleAction, origin: RequestOrigin): Promise<RecurringSchedule> {
    const rule = TRANSITIONS[action];
    return this.#db.transaction().execute(async (trx) => {
      const current = await this.#find(trx, organizationId, id);
      const invalid = () =>
        new AppError('INVALID_STATE', `A ${current.status} schedule cannot be ${action === 'cancel' ? 'cancelled' : `${action}d`}.`, {
          status: current.status,
        });
      if (!rule.from.includes(current.status)) throw invalid();
      const now = this.#now();
      const at = now.toISOString();
      const nextRun = rule.to === 'cancelled' ? null : resumedRunDate(current, utcDate(now));
      // Resuming past the end date (or past the last calendar date) completes the schedule.
      const status: Status = rule.to !== 'cancelled' && nextRun === null ? 'completed' : rule.to;
      const next: RecurringSchedulesTable = {
        ...current,
        status,
        updated_at: at,
        cancelled_at: rule.to === 'cancelled' ? at : current.cancelled_at,
        completed_at: status === 'completed' ? at : current.completed_at,
        next_run_date: nextRun,
      };
      const res = await trx
        .updateTable('recurring_schedules')
        .set({
          status: next.status,
          updated_at: at,
          cancelled_at: next.cancelled_at,
          completed_at: next.completed_at,
          next_run_date: next.next_run_date,
        })
        .where('id', '=', id)
        .where('organization_id', '=', organizationId)
        .where('status', '=', current.status)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw invalid();
      await recordAudit(
        trx,
        origin,
        {
          action: rule.audit,
          organizationId,
          target: { type: 'recurring_schedule', id },
          metadata: { from: current.status, to: rule.to },
        },
        now,
      );
      if (status === 'completed') {
        await recordAudit(
          trx,
          origin,
          {
            action: 'recurring_schedule.completed',
            organizationId,
            target: { type: 'recurring_schedule', id },
            metadata: { endDate: next.end_date },
          },
          now,
        );
      }
      return toSchedule(next);
    });
  }

  /**
   * The stored next run date is the next period to invoice: recurring processing advances it
   * (billing-recurring-processor.ts). A date in the past is a period that is due and not yet
   * generated; it is shown as it is, since it will be invoiced.
   */
  #present(row: RecurringSchedulesTable): RecurringSchedule {
    return toSchedule(row);
  }

  async #find(db: Kysely<Database>, organizationId: string, id: string): Promise<RecurringSchedulesTable> {
    return findInOrganization(db, 'recurring_schedules', organizationId, id, 'recurring schedule');
  }
}

/**
 * The next run of a schedule that becomes (or stays) active on `today`: the first grid date from
 * today (paused periods are not invoiced), but never a period before the stored one (a period
 * generated before a pause is not generated again). Null when no run remains within the end
 * date (or the calendar).
 */
function resumedRunDate(row: RecurringSchedulesTable, today: string): string | null {
  const fromToday = nextRunOnOrAfter(row.start_date, row.interval, today);
  const next = fromToday !== null && row.next_run_date !== null && row.next_run_date > fromToday ? row.next_run_date : fromToday;
  if (next === null || (row.end_date !== null && next > row.end_date)) return null;
  return next;
}
