/**
 * Why `db:copy` stopped (SPEC §8). Every code leaves the target as it was: the copy, migrations
 * included, is one transaction on the target that is rolled back.
 * - `TARGET_NOT_EMPTY`: the target already holds rows (other than what migrations create);
 * - `SOURCE_NOT_MIGRATED`: the embedded database misses migrations this version has, or has
 *   migrations this version does not know (run the matching `payment-gateway migrate` first);
 * - `SCHEMA_MISMATCH`: a table or column exists on one side only after migrating both;
 * - `INVALID_VALUE`: a stored value the PostgreSQL column cannot hold faithfully;
 * - `COUNT_MISMATCH`: a table's row count on the target differs from the source before commit;
 * - `NOT_EMBEDDED`: the configuration points at PostgreSQL (DATABASE_URL), not the embedded database.
 */
export type DatabaseCopyErrorCode =
  | 'TARGET_NOT_EMPTY'
  | 'SOURCE_NOT_MIGRATED'
  | 'SCHEMA_MISMATCH'
  | 'INVALID_VALUE'
  | 'COUNT_MISMATCH'
  | 'NOT_EMBEDDED';

export class DatabaseCopyError extends Error {
  override name = 'DatabaseCopyError';
  constructor(
    readonly code: DatabaseCopyErrorCode,
    message: string,
  ) {
    super(message);
  }
}
