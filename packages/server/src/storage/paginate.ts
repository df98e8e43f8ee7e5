import type { SelectQueryBuilder } from 'kysely';

/** One page of a list, as every list route answers it. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

/**
 * Runs one page of `query` (filtered, selected and ordered) and, alongside it, the count of
 * everything the same filters match, then maps each row.
 */
export async function paginate<DB, TB extends keyof DB, O, T>(
  query: SelectQueryBuilder<DB, TB, O>,
  { page, limit }: { page: number; limit: number },
  map: (row: O) => T,
): Promise<Page<T>> {
  const [rows, count] = await Promise.all([
    query.limit(limit).offset((page - 1) * limit).execute(),
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
