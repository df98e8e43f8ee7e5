import type { Kysely, Selectable } from 'kysely';
import { notFound } from '../errors/app-error.js';
import type { Database } from '../storage/schema.js';

type OwnedTable = 'clients' | 'invoices' | 'recurring_schedules';

/** One row of an organization's billing table, or 404: another organization's id is simply unknown. */
export async function findInOrganization<T extends OwnedTable>(
  db: Kysely<Database>,
  table: T,
  organizationId: string,
  id: string,
  what: string,
): Promise<Selectable<Database[T]>> {
  const row = await db
    .selectFrom(table as OwnedTable)
    .selectAll()
    .where('id', '=', id)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  if (!row) throw notFound(what);
  return row as Selectable<Database[T]>;
}
