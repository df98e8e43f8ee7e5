import type { SelectQueryBuilder } from 'kysely';

/** One page of a list, as every list route answers it. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

/**
 * The largest OFFSET ever sent to a database: inside a signed 32-bit integer, so it fits every
 * integer type of SQLite and PostgreSQL. The contract's PageQuery (page ≤ MAX_PAGE, limit ≤ 100)
 * keeps every request far below it; this guards callers that bypass the contract.
 */
export const MAX_OFFSET = 2 ** 31 - 1;

/**
 * Runs one page of `query` (filtered, selected and ordered) and, alongside it, the count of
 * everything the same filters match, then maps each row. A page whose offset would pass
 * MAX_OFFSET (or is not a safe integer) is empty without asking the database, so no page/limit
 * pair can overflow a query (SPEC §7.1).
 */
export async function paginate<DB, TB extends keyof DB, O, T>(
  query: SelectQueryBuilder<DB, TB, O>,
  { page, limit }: { page: number; limit: number },
  map: (row: O) => T,
): Promise<Page<T>> {
  const offset = (page - 1) * limit;
  const reachable = Number.isSafeInteger(offset) && offset >= 0 && offset <= MAX_OFFSET && Number.isSafeInteger(limit) && limit > 0;
  const [rows, count] = await Promise.all([
    reachable ? query.limit(limit).offset(offset).execute() : Promise.resolve([] as O[]),
    query
      .clearSelect()
      .clearOrderBy()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      // The selection's type stays unresolved for a generic table; the shape is known.
      .$castTo<{ n: number }>()
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((row) => map(row)), total: Number(count.n), page, limit };
}
