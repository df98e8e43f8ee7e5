import { AppError } from '../errors/app-error.js';
import { storedInstant } from '../util/stored-instant.js';

/** A `created_at` window in the stored form: `from` ≤ created_at < `to`, either bound optional. */
export interface StoredWindow {
  from: string | undefined;
  to: string | undefined;
}

/**
 * The `from`/`to` filter of a list in the stored form (storedInstant), refused when `from` is not
 * before `to`: that window can hold nothing, and a caller who swapped the bounds should hear it,
 * as the export does (SPEC §7.1: every input that fails its rules is 400).
 * @param path where the bounds came from, for `details.issues` (e.g. `query`)
 * @throws AppError VALIDATION_FAILED (400) with an issue at `${path}.from`
 */
export function storedWindow(bounds: { from?: string | undefined; to?: string | undefined }, path: string): StoredWindow {
  const from = bounds.from === undefined ? undefined : storedInstant(bounds.from);
  const to = bounds.to === undefined ? undefined : storedInstant(bounds.to);
  if (from !== undefined && to !== undefined && from >= to) {
    throw new AppError('VALIDATION_FAILED', 'from must be before to.', {
      issues: [{ path: `${path}.from`, message: `must be before ${to}` }],
    });
  }
  return { from, to };
}
