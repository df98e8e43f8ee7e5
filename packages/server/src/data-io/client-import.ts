import { CreateClientBody, type ImportResult, type ImportRowResult } from '@payment-gateway/contract';
import type { Kysely, Transaction } from 'kysely';
import { recordAudit, type RequestOrigin } from '../audit/audit-log.js';
import { AppError } from '../errors/app-error.js';
import type { ClientsTable, Database } from '../storage/schema.js';
import { isUniqueViolation } from '../storage/unique-violation.js';
import { newId } from '../util/ids.js';
import { parseClientsCsv, type ImportLimits, type ParsedRow } from './csv-import-parse.js';

interface CheckedRow {
  parsed: ParsedRow;
  errors: ImportRowResult['errors'];
  client: CreateClientBody | null;
}

/** Lookups of existing externalIds per query (well inside every dialect's parameter limit). */
const CHUNK = 500;

/**
 * SPEC §5 clients import: validate a CSV row by row, and import it all or nothing.
 * Rows are checked against the same rules as `POST /clients` (the contract's CreateClientBody:
 * email trimmed and lower-cased, name 1–200, externalId 1–100) plus: an externalId may appear
 * once in the file and must not exist in the organization.
 */
export class ClientImportService {
  readonly #db: Kysely<Database>;
  readonly #now: () => Date;
  readonly #limits: ImportLimits;

  constructor(deps: { db: Kysely<Database>; limits: ImportLimits; now?: () => Date }) {
    this.#db = deps.db;
    this.#limits = deps.limits;
    this.#now = deps.now ?? (() => new Date());
  }

  /**
   * Per-row results; writes nothing.
   * @throws AppError IMPORT_TOO_LARGE, IMPORT_TOO_MANY_ROWS (413), VALIDATION_FAILED (400) — see parseClientsCsv.
   */
  async validate(organizationId: string, csv: string): Promise<ImportResult> {
    const rows = await this.#check(this.#db, organizationId, parseClientsCsv(csv, this.#limits));
    return summary(true, rows, []);
  }

  /**
   * Creates every client in one transaction, or none.
   * @throws AppError IMPORT_ROWS_INVALID (422, every invalid row in details) when any row is invalid;
   *   CONFLICT (409) when a concurrent write took an externalId meanwhile; and what validate throws.
   */
  async import(organizationId: string, csv: string, origin: RequestOrigin): Promise<ImportResult> {
    const parsed = parseClientsCsv(csv, this.#limits);
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const rows = await this.#check(trx, organizationId, parsed);
        const bad = rows.filter((r) => r.errors.length > 0);
        if (bad.length > 0) {
          throw new AppError('IMPORT_ROWS_INVALID', `${bad.length} of ${rows.length} rows are invalid; nothing was imported.`, {
            totalRows: rows.length,
            invalidRows: bad.length,
            rows: bad.map((r) => ({ row: r.parsed.row, line: r.parsed.line, errors: r.errors })),
          });
        }
        const now = this.#now();
        const at = now.toISOString();
        const created: ClientsTable[] = rows.map((r) => ({
          id: newId('cli'),
          organization_id: organizationId,
          email: r.client!.email,
          name: r.client!.name,
          external_id: r.client!.externalId ?? null,
          created_at: at,
          updated_at: at,
        }));
        for (let i = 0; i < created.length; i += 100)
          await trx
            .insertInto('clients')
            .values(created.slice(i, i + 100))
            .execute();
        await recordAudit(
          trx,
          origin,
          { action: 'data_io.clients_imported', organizationId, target: null, metadata: { created: created.length } },
          now,
        );
        return summary(
          false,
          rows,
          created.map((c) => c.id),
        );
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AppError(
          'CONFLICT',
          'A client with one of these externalIds was created meanwhile; nothing was imported. Validate again.',
        );
      }
      throw err;
    }
  }

  async #check(db: Kysely<Database> | Transaction<Database>, organizationId: string, parsed: ParsedRow[]): Promise<CheckedRow[]> {
    const rows: CheckedRow[] = parsed.map((p) => {
      const input = {
        email: p.cells.email ?? '',
        name: p.cells.name ?? '',
        ...(p.cells.externalId ? { externalId: p.cells.externalId } : {}),
      };
      const result = CreateClientBody.safeParse(input);
      if (result.success) return { parsed: p, errors: [], client: result.data };
      return {
        parsed: p,
        client: null,
        errors: result.error.issues.map((i) => ({ field: String(i.path[0] ?? 'row'), message: i.message })),
      };
    });
    const firstRowOf = new Map<string, number>();
    for (const r of rows) {
      const id = r.client?.externalId;
      if (!id) continue;
      const first = firstRowOf.get(id);
      if (first === undefined) firstRowOf.set(id, r.parsed.row);
      else r.errors.push({ field: 'externalId', message: `duplicates row ${first} of this file` });
    }
    const taken = await existingExternalIds(db, organizationId, [...firstRowOf.keys()]);
    for (const r of rows) {
      const id = r.client?.externalId;
      if (id && taken.has(id))
        r.errors.push({ field: 'externalId', message: 'a client with this externalId already exists in this organization' });
    }
    return rows;
  }
}

async function existingExternalIds(db: Kysely<Database>, organizationId: string, ids: string[]): Promise<Set<string>> {
  const taken = new Set<string>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const found = await db
      .selectFrom('clients')
      .select('external_id')
      .where('organization_id', '=', organizationId)
      .where('external_id', 'in', ids.slice(i, i + CHUNK))
      .execute();
    for (const f of found) if (f.external_id) taken.add(f.external_id);
  }
  return taken;
}

function summary(dryRun: boolean, rows: CheckedRow[], createdIds: string[]): ImportResult {
  const invalid = rows.filter((r) => r.errors.length > 0).length;
  return {
    dryRun,
    totalRows: rows.length,
    validRows: rows.length - invalid,
    invalidRows: invalid,
    created: createdIds.length,
    rows: rows.map((r, i) => ({
      row: r.parsed.row,
      line: r.parsed.line,
      status: r.errors.length > 0 ? 'invalid' : dryRun ? 'valid' : 'created',
      errors: r.errors,
      clientId: dryRun ? null : (createdIds[i] ?? null),
    })),
  };
}
