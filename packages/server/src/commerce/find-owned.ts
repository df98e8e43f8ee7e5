import type { Kysely, Selectable } from 'kysely';
import { notFound } from '../errors/app-error.js';
import type { Database } from '../storage/schema.js';

type OwnedTable = 'sites' | 'checkouts' | 'transactions' | 'credit_notes' | 'clients';

/**
 * One row of an organization's commerce table, or 404 NOT_FOUND: another organization's id is
 * simply unknown (tenant isolation, SPEC §3). Deleted sites are unknown too.
 * @throws AppError NOT_FOUND
 */
export async function findOwned<T extends OwnedTable>(
  db: Kysely<Database>,
  table: T,
  organizationId: string,
  id: string,
  what: string,
): Promise<Selectable<Database[T]>> {
  let q = db
    .selectFrom(table as OwnedTable)
    .selectAll()
    .where('id', '=', id)
    .where('organization_id', '=', organizationId);
  if (table === 'sites') q = q.where('deleted_at' as never, 'is', null);
  const row = await q.executeTakeFirst();
  if (!row) throw notFound(what);
  return row as Selectable<Database[T]>;
}
