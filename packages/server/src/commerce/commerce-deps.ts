import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';

/** What every commerce service needs. */
export interface CommerceDeps {
  db: Kysely<Database>;
  /** @default () => new Date() */
  now?: () => Date;
}
