import { z } from 'zod';
import { ClientId } from './clients.js';
import {
  c,
  ErrorBody,
  OrganizationId,
  PageQuery,
  pageOf,
  ResourceId,
  Timestamp,
  API_PREFIX,
  bodyErrorResponses,
  multiLineText,
} from './common.js';
import { ORG_RESOURCE_ERRORS, orgRoute } from './org-route.js';

export const InvoiceId = ResourceId('inv');
export const ScheduleId = ResourceId('rec');

export const Currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 currency code, e.g. EUR');

export const InvoiceLine = z
  .object({
    description: multiLineText(500, 1),
    quantity: z.number().int().min(1).max(1_000_000),
    unitAmount: z.number().int().min(0).max(100_000_000_000).describe('Minor units (e.g. cents)'),
  })
  .strict();

export const Invoice = z
  .object({
    id: InvoiceId,
    organizationId: OrganizationId,
    clientId: ClientId,
    number: z.string().nullable().describe('Assigned when issued'),
    status: z.enum(['draft', 'issued']),
    currency: Currency,
    lines: z.array(InvoiceLine),
    totalAmount: z.number().int().describe('Sum of quantity × unitAmount, in minor units'),
    dueDate: z.string().date().nullable(),
    recurringScheduleId: ScheduleId.nullable(),
    issuedAt: Timestamp.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .describe('Invoice');
export type Invoice = z.infer<typeof Invoice>;

export const CreateInvoiceBody = z
  .object({
    clientId: ClientId,
    currency: Currency,
    lines: z.array(InvoiceLine).min(1).max(100),
    dueDate: z.string().date().optional(),
  })
  .strict();
export type CreateInvoiceBody = z.infer<typeof CreateInvoiceBody>;

export const Interval = z.enum(['weekly', 'monthly', 'quarterly', 'yearly']);
/** `completed`: the schedule's end date passed; like `cancelled`, final. */
export const ScheduleStatus = z.enum(['active', 'paused', 'cancelled', 'completed']);

export const RecurringSchedule = z
  .object({
    id: ScheduleId,
    organizationId: OrganizationId,
    clientId: ClientId,
    status: ScheduleStatus,
    interval: Interval,
    currency: Currency,
    lines: z.array(InvoiceLine),
    startDate: z.string().date(),
    nextRunDate: z.string().date().nullable().describe('The next period to invoice; null once cancelled or completed'),
    endDate: z.string().date().nullable().describe('Last date a period may start on; the schedule completes after it'),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    cancelledAt: Timestamp.nullable(),
  })
  .describe('RecurringSchedule');
export type RecurringSchedule = z.infer<typeof RecurringSchedule>;

export const CreateRecurringScheduleBody = z
  .object({
    clientId: ClientId,
    interval: Interval,
    currency: Currency,
    lines: z.array(InvoiceLine).min(1).max(100),
    startDate: z.string().date().describe('First run date (YYYY-MM-DD), today or later'),
    endDate: z
      .string()
      .date()
      .optional()
      .describe('Last date a period may start on (YYYY-MM-DD), on or after startDate; none = until cancelled'),
  })
  .strict();
export type CreateRecurringScheduleBody = z.infer<typeof CreateRecurringScheduleBody>;

const INVOICES = 'Invoices';
const RECURRING = 'Recurring schedules';
const errors = ORG_RESOURCE_ERRORS;
const scheduleParams = z.object({ id: ScheduleId });

/** SPEC §5: invoices (draft → issued) and recurring schedules, all in the invoice scope family. */
export const invoicesContract = c.router(
  {
    list: {
      method: 'GET',
      path: '/invoices',
      query: PageQuery.extend({ clientId: ClientId.optional(), status: z.enum(['draft', 'issued']).optional() }).strict(),
      responses: { 200: pageOf(Invoice), ...errors },
      summary: 'List invoices',
      metadata: orgRoute(INVOICES, 'invoice:read'),
    },
    create: {
      method: 'POST',
      path: '/invoices',
      body: CreateInvoiceBody,
      responses: { 201: Invoice, ...errors, ...bodyErrorResponses },
      summary: 'Create a draft invoice',
      metadata: orgRoute(INVOICES, 'invoice:create'),
    },
    listRecurring: {
      method: 'GET',
      path: '/invoices/recurring',
      query: PageQuery.extend({ clientId: ClientId.optional(), status: ScheduleStatus.optional() }).strict(),
      responses: { 200: pageOf(RecurringSchedule), ...errors },
      summary: 'List recurring schedules',
      metadata: orgRoute(RECURRING, 'invoice:read'),
    },
    createRecurring: {
      method: 'POST',
      path: '/invoices/recurring',
      body: CreateRecurringScheduleBody,
      responses: { 201: RecurringSchedule, ...errors, ...bodyErrorResponses },
      summary: 'Create a recurring schedule',
      metadata: orgRoute(RECURRING, 'invoice:create'),
    },
    getRecurring: {
      method: 'GET',
      path: '/invoices/recurring/:id',
      pathParams: scheduleParams,
      responses: { 200: RecurringSchedule, ...errors },
      summary: 'Get a recurring schedule',
      metadata: orgRoute(RECURRING, 'invoice:read'),
    },
    pauseRecurring: {
      method: 'POST',
      path: '/invoices/recurring/:id/pause',
      pathParams: scheduleParams,
      body: c.noBody(),
      responses: { 200: RecurringSchedule, ...errors, 409: ErrorBody },
      summary: 'Pause an active recurring schedule',
      metadata: orgRoute(RECURRING, 'invoice:execute'),
    },
    resumeRecurring: {
      method: 'POST',
      path: '/invoices/recurring/:id/resume',
      pathParams: scheduleParams,
      body: c.noBody(),
      responses: { 200: RecurringSchedule, ...errors, 409: ErrorBody },
      summary: 'Resume a paused recurring schedule',
      metadata: orgRoute(RECURRING, 'invoice:execute'),
    },
    cancelRecurring: {
      method: 'POST',
      path: '/invoices/recurring/:id/cancel',
      pathParams: scheduleParams,
      body: c.noBody(),
      responses: { 200: RecurringSchedule, ...errors, 409: ErrorBody },
      summary: 'Cancel a recurring schedule (final)',
      metadata: orgRoute(RECURRING, 'invoice:execute'),
    },
    get: {
      method: 'GET',
      path: '/invoices/:id',
      pathParams: z.object({ id: InvoiceId }),
      responses: { 200: Invoice, ...errors },
      summary: 'Get an invoice',
      metadata: orgRoute(INVOICES, 'invoice:read'),
    },
    issue: {
      method: 'POST',
      path: '/invoices/:id/issue',
      pathParams: z.object({ id: InvoiceId }),
      body: c.noBody(),
      responses: { 200: Invoice, ...errors, 409: ErrorBody },
      summary: 'Issue a draft invoice (issued invoices are visible in the customer portal)',
      metadata: orgRoute(INVOICES, 'invoice:execute'),
    },
  },
  { pathPrefix: API_PREFIX },
);
