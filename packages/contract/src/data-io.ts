import { z } from 'zod';
import { Client } from './clients.js';
import { API_PREFIX, authErrorResponses, bodyErrorResponses, c, ErrorBody, Timestamp } from './common.js';
import { orgRoute } from './org-route.js';
import { Invoice } from './invoices.js';
import { Transaction } from './transactions.js';

/** What an export or a template covers (SPEC §5). Only clients can be imported. */
export const DATA_ENTITY_TYPES = ['clients', 'invoices', 'transactions'] as const;
export const DataEntityType = z.enum(DATA_ENTITY_TYPES);
export type DataEntityType = z.infer<typeof DataEntityType>;

export const ExportFormat = z.enum(['csv', 'json']);
export type ExportFormat = z.infer<typeof ExportFormat>;

/**
 * The columns of each entity's CSV, in order: what the template answers and what a CSV export
 * writes. Each is a field of the entity's API shape (Client, Invoice, Transaction; the
 * organization is the caller's, so `organizationId` is not a column). The clients columns are
 * also the import's (only `email` and `name` are required).
 */
export const CSV_COLUMNS = {
  clients: ['id', 'email', 'name', 'externalId', 'createdAt', 'updatedAt'],
  invoices: ['id', 'number', 'status', 'clientId', 'currency', 'totalAmount', 'dueDate', 'recurringScheduleId', 'issuedAt', 'createdAt'],
  transactions: [
    'id',
    'status',
    'source',
    'amount',
    'refundedAmount',
    'currency',
    'clientId',
    'siteId',
    'checkoutId',
    'provider',
    'providerReference',
    'description',
    'externalReference',
    'createdAt',
    'updatedAt',
  ],
} as const satisfies {
  clients: readonly (keyof Client)[];
  invoices: readonly (keyof Invoice)[];
  transactions: readonly (keyof Transaction)[];
} & Record<DataEntityType, readonly string[]>;

/** The columns a clients import reads; `id`, `createdAt`, `updatedAt` of an export are ignored. */
export const CLIENT_IMPORT_COLUMNS = ['email', 'name', 'externalId'] as const;

export const ExportBody = z
  .object({
    entityType: DataEntityType,
    format: ExportFormat,
    from: Timestamp.optional().describe('Only records created at or after this instant'),
    to: Timestamp.optional().describe(
      'Only records created before this instant (default: everything created up to the start of the export)',
    ),
  })
  .strict();
export type ExportBody = z.infer<typeof ExportBody>;

/** A JSON export: one array of the entity's records, oldest first, in their API shapes (Client, Invoice, Transaction). */
export const JsonExport = z.array(z.union([Client, Invoice, Transaction])).describe('JsonExport');

export const ImportBody = z
  .object({
    csv: z
      .string()
      .min(1)
      .describe(
        'The clients CSV (UTF-8): a header row naming columns among email, name, externalId (email and name required; ' +
          'id, createdAt and updatedAt of an export are ignored), then one client per row. At most IMPORT_MAX_BYTES and IMPORT_MAX_ROWS.',
      ),
  })
  .strict();
export type ImportBody = z.infer<typeof ImportBody>;

export const ImportRowResult = z
  .object({
    row: z.number().int().min(1).describe('1-based record number after the header'),
    line: z.number().int().min(1).describe('Line of the file where the record starts'),
    status: z.enum(['valid', 'invalid', 'created']),
    errors: z.array(z.object({ field: z.string(), message: z.string() })),
    clientId: z.string().nullable().describe('The created client (import only)'),
  })
  .describe('ImportRowResult');
export type ImportRowResult = z.infer<typeof ImportRowResult>;

export const ImportResult = z
  .object({
    dryRun: z.boolean().describe('true for validate: nothing was written'),
    totalRows: z.number().int().min(0),
    validRows: z.number().int().min(0),
    invalidRows: z.number().int().min(0),
    created: z.number().int().min(0),
    rows: z.array(ImportRowResult),
  })
  .describe('ImportResult');
export type ImportResult = z.infer<typeof ImportResult>;

const tag = 'Data import and export';
const errors = { ...authErrorResponses };
const csvText = (what: string) => c.otherResponse({ contentType: 'text/csv', body: z.string().describe(what) });

/** SPEC §5: streamed exports of the calling organization's records, CSV templates, clients import. */
export const dataIoContract = c.router(
  {
    export: {
      method: 'POST',
      path: '/data-import-export/export',
      body: ExportBody,
      responses: {
        200: csvText('RFC 4180 CSV with a header row (format csv), streamed; a JSON export is an application/json array (JsonExport)'),
        ...errors,
        ...bodyErrorResponses,
      },
      summary: "Export the organization's clients, invoices or transactions (streamed CSV or JSON)",
      description:
        'Streams every record of the calling organization, oldest first, created in [from, to) (without to: up to the start of the export, so rows written meanwhile are not included). ' +
        '`format: csv` answers `text/csv` with a header row; cells that a spreadsheet would read as a formula (starting with = + - @, tab or CR) ' +
        "are prefixed with `'` (OWASP CSV injection). `format: json` answers `application/json`: one array of records (JsonExport). " +
        'The body is sent as it is read (chunked); a failure after the first byte aborts the connection instead of ending the body, so a truncated export never looks complete.',
      metadata: {
        ...orgRoute(tag, 'data_io:execute'),
        successContent: { 'application/json': JsonExport },
      },
    },
    template: {
      method: 'GET',
      path: '/data-import-export/template/:entityType',
      pathParams: z.object({ entityType: DataEntityType }),
      responses: { 200: csvText('The CSV header row of the entity (CSV_COLUMNS)'), ...errors },
      summary: 'The CSV header of an entity (the import template for clients)',
      metadata: orgRoute(tag, 'data_io:read'),
    },
    validateImport: {
      method: 'POST',
      path: '/data-import-export/import/validate',
      body: ImportBody,
      responses: { 200: ImportResult, ...errors, ...bodyErrorResponses },
      summary: 'Check a clients CSV row by row; writes nothing',
      metadata: orgRoute(tag, 'data_io:execute'),
    },
    import: {
      method: 'POST',
      path: '/data-import-export/import',
      body: ImportBody,
      responses: { 201: ImportResult, ...errors, 409: ErrorBody, ...bodyErrorResponses, 422: ErrorBody },
      summary: 'Import a clients CSV, all or nothing',
      description:
        'Every row is validated first (email, name, externalId unique in the file and in the organization); one invalid row and nothing is written ' +
        '(422 IMPORT_ROWS_INVALID with every invalid row). Otherwise every client is created in one transaction. ' +
        'A concurrent write that takes an externalId between validation and commit answers 409 CONFLICT, again with nothing written.',
      metadata: orgRoute(tag, 'data_io:execute'),
    },
  },
  { pathPrefix: API_PREFIX },
);
