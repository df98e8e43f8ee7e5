import { Readable } from 'node:stream';
import { CSV_COLUMNS, type DataEntityType, type ExportBody } from '@payment-gateway/contract';
import { stringify } from 'csv-stringify';
import type { Kysely } from 'kysely';
import { recordAudit, type RequestOrigin } from '../audit/audit-log.js';
import { AppError } from '../errors/app-error.js';
import type { Database } from '../storage/schema.js';
import { ESCAPED_FORMULA } from './formula-escape.js';
import { storedInstant } from '../util/stored-instant.js';
import { EXPORT_PAGE_SIZE, exportPage, type ExportRecord } from './export-pages.js';
import type { ExportWindow } from './export-window.js';

/** An export ready to stream: headers to send, then the body. */
export interface OpenedExport {
  contentType: string;
  /** A file name for Content-Disposition, e.g. `clients-20301115T100000Z.csv`. */
  filename: string;
  /** The body. Pulls a page from the database only as it is read (backpressure); destroy it to stop. */
  stream: Readable;
}

/**
 * RFC 4180 CSV (CRLF, quoted where needed) with formula cells escaped per OWASP: a cell starting
 * with = + - @ tab or CR (or their full-width forms) gets a leading `'`, so a spreadsheet shows it
 * as text instead of running it. Numbers are never prefixed (a negative amount stays a number). A
 * string that already starts with `'` + a formula character gets one more `'`, so every value
 * imports back unchanged.
 */
export function csvStringifier(columns: readonly string[], header = true) {
  // csv-stringify leaves a lone LF or CR unquoted when the record delimiter is CRLF: quote them (RFC 4180 §2.6).
  return stringify({
    header,
    columns: [...columns],
    escape_formulas: true,
    // A value that already looks escaped (`'=…`, `''+…`) gets one more `'`, so the import's unescape gives it back unchanged.
    cast: { string: (value) => (ESCAPED_FORMULA.test(value) ? `'${value}` : value) },
    quoted_match: /[\r\n]/,
    record_delimiter: '\r\n',
    eof: true,
  });
}

/** SPEC §5 exports of one organization's records, streamed (never the whole set in memory). */
export class DataExportService {
  readonly #db: Kysely<Database>;
  readonly #now: () => Date;

  constructor(deps: { db: Kysely<Database>; now?: () => Date }) {
    this.#db = deps.db;
    this.#now = deps.now ?? (() => new Date());
  }

  /**
   * Checks the request, records the audit event and reads the first page (so an unreachable
   * database is a 503 before any byte is sent), then returns the stream of the rest.
   * @throws AppError VALIDATION_FAILED when `from` is not before `to`.
   * @throws the database error when it is unreachable (503 over HTTP).
   */
  async open(organizationId: string, input: ExportBody, origin: RequestOrigin): Promise<OpenedExport> {
    const now = this.#now();
    // Without `to`, everything created up to the start of the export (that millisecond included).
    // Bounds in the stored form, so text comparison is instant comparison (…00Z vs …00.500Z).
    const from = input.from === undefined ? undefined : storedInstant(input.from);
    const to = input.to === undefined ? new Date(now.getTime() + 1).toISOString() : storedInstant(input.to);
    if (from !== undefined && from >= to) {
      throw new AppError('VALIDATION_FAILED', 'from must be before to.', {
        issues: [{ path: 'body.from', message: `must be before ${to}${input.to ? '' : ' (now)'}` }],
      });
    }
    const window: ExportWindow = { organizationId, from, to };
    const first = await exportPage(this.#db, input.entityType, window, null);
    await recordAudit(
      this.#db,
      origin,
      {
        action: 'data_io.exported',
        organizationId,
        target: null,
        metadata: { entityType: input.entityType, format: input.format, from: input.from ?? null, to },
      },
      now,
    );
    const records = this.#records(input.entityType, window, first);
    const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
    switch (input.format) {
      case 'csv': {
        const columns = CSV_COLUMNS[input.entityType];
        const rows = Readable.from(csvRows(records, columns), { objectMode: true });
        const csv = csvStringifier(columns);
        // Either side failing (or being destroyed) tears down the other.
        rows.on('error', (err) => csv.destroy(err));
        csv.on('close', () => rows.destroy());
        rows.pipe(csv);
        return { contentType: 'text/csv; charset=utf-8', filename: `${input.entityType}-${stamp}.csv`, stream: csv };
      }
      case 'json':
        return {
          contentType: 'application/json; charset=utf-8',
          filename: `${input.entityType}-${stamp}.json`,
          stream: Readable.from(jsonChunks(records), { objectMode: false }),
        };
      default: {
        const never: never = input.format;
        throw new Error(`unknown format ${String(never)}`);
      }
    }
  }

  /** Every record of the window, one page at a time, starting with the page already read. */
  async *#records(entity: DataEntityType, window: ExportWindow, first: ExportRecord[]): AsyncGenerator<ExportRecord[]> {
    let page = first;
    for (;;) {
      if (page.length === 0) return;
      yield page;
      if (page.length < EXPORT_PAGE_SIZE) return;
      const last = page[page.length - 1]!;
      page = await exportPage(this.#db, entity, window, { createdAt: last.createdAt, id: last.id });
    }
  }
}

/** Rows for csv-stringify: the record's columns; `lines` and other nested values are not CSV columns. */
async function* csvRows(pages: AsyncIterable<ExportRecord[]>, columns: readonly string[]) {
  for await (const page of pages) {
    for (const record of page) {
      const r = record as unknown as Record<string, unknown>;
      yield Object.fromEntries(columns.map((c) => [c, r[c] ?? null]));
    }
  }
}

/** A JSON array, one chunk per page. */
async function* jsonChunks(pages: AsyncIterable<ExportRecord[]>) {
  yield '[';
  let first = true;
  for await (const page of pages) {
    const body = page.map((r) => JSON.stringify(r)).join(',');
    yield first ? body : `,${body}`;
    first = false;
  }
  yield ']';
}
