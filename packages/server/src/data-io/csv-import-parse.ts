import { CLIENT_IMPORT_COLUMNS } from '@payment-gateway/contract';
import { CsvError, parse } from 'csv-parse/sync';
import { AppError } from '../errors/app-error.js';
import { ESCAPED_FORMULA } from './formula-escape.js';

/** Export columns an import reads past (so an export can be imported back); every other unknown column is refused. */
const IGNORED_COLUMNS = new Set(['id', 'createdat', 'updatedat']);

/** One data record of a clients CSV, by import column. */
export interface ParsedRow {
  row: number;
  line: number;
  cells: Partial<Record<(typeof CLIENT_IMPORT_COLUMNS)[number], string>>;
}

export interface ImportLimits {
  maxBytes: number;
  maxRows: number;
}

/**
 * Undoes the export's formula escape: one `'` off a cell that starts with `'`s then a formula
 * character (`'=…` → `=…`, `''=…` → `'=…`; likewise + - @ tab CR and their full-width forms),
 * so an export imports back to the same values. Any other leading `'` is data.
 */
export function unescapeFormula(cell: string): string {
  return ESCAPED_FORMULA.test(cell) ? cell.slice(1) : cell;
}

const invalid = (message: string) => new AppError('VALIDATION_FAILED', message, { issues: [{ path: 'body.csv', message }] });

/**
 * Parses a clients CSV (RFC 4180, UTF-8, optional BOM, CRLF or LF) with csv-parse: a header row,
 * then one client per record; blank lines are skipped. Size is checked before parsing.
 * @throws AppError IMPORT_TOO_LARGE (413) above `maxBytes` UTF-8 bytes, IMPORT_TOO_MANY_ROWS (413)
 *   above `maxRows` records, VALIDATION_FAILED (400) for malformed CSV (unclosed quote, a row with
 *   another number of cells than the header) or a bad header (missing email or name, unknown or
 *   repeated column), naming the line.
 */
export function parseClientsCsv(csv: string, limits: ImportLimits): ParsedRow[] {
  if (Buffer.byteLength(csv, 'utf8') > limits.maxBytes) {
    throw new AppError('IMPORT_TOO_LARGE', `The CSV is larger than ${limits.maxBytes} bytes; split it.`, { maxBytes: limits.maxBytes });
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(csv, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: false,
      // One more than allowed (plus the header) is enough to know it is too many.
      to: limits.maxRows + 2,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    if (err instanceof CsvError) throw invalid(`The CSV is malformed: ${err.message}`);
    throw err;
  }
  if (records.length === 0) throw invalid('The CSV is empty: it needs a header row (email,name,externalId).');
  if (records.length - 1 > limits.maxRows) {
    throw new AppError('IMPORT_TOO_MANY_ROWS', `The CSV has more than ${limits.maxRows} rows; split it.`, { maxRows: limits.maxRows });
  }
  const [header, ...data] = records;
  const columns = headerColumns(header!.record);
  return data.map(({ record, info }, i) => {
    // info.lines is the line where the record ends; quoted cells may span lines.
    const line = info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    const cells: ParsedRow['cells'] = {};
    columns.forEach((column, j) => {
      if (column) cells[column] = unescapeFormula(record[j] ?? '');
    });
    return { row: i + 1, line, cells };
  });
}

/** Each header cell's import column, or null for an ignored export column. */
function headerColumns(cells: string[]): ((typeof CLIENT_IMPORT_COLUMNS)[number] | null)[] {
  const seen = new Set<string>();
  const unknown: string[] = [];
  const out = cells.map((raw) => {
    const name = raw.trim();
    const key = name.toLowerCase();
    if (seen.has(key)) throw invalid(`The header names the column "${name}" twice.`);
    seen.add(key);
    const column = CLIENT_IMPORT_COLUMNS.find((c) => c.toLowerCase() === key);
    if (column) return column;
    if (!IGNORED_COLUMNS.has(key)) unknown.push(name);
    return null;
  });
  if (unknown.length > 0) {
    throw invalid(`Unknown column(s) ${unknown.map((u) => `"${u}"`).join(', ')}; the columns are ${CLIENT_IMPORT_COLUMNS.join(', ')}.`);
  }
  const missing = ['email', 'name'].filter((c) => !seen.has(c));
  if (missing.length > 0) throw invalid(`The header must name the column(s) ${missing.join(', ')}.`);
  return out;
}
