import type { AuditEvent } from '@payment-gateway/contract';
import type { Kysely } from 'kysely';
import type { Page } from '../storage/paginate.js';
import type { Database } from '../storage/schema.js';
import { listAuditEvents, type AuditFilter } from './audit-log.js';

export interface AuditServiceDeps {
  db: Kysely<Database>;
}

/** Reads the audit log (SPEC §4.5 for every organization, §4.3 for one); writes go through recordAudit in each change's transaction. */
export class AuditService {
  readonly #db: Kysely<Database>;

  constructor(deps: AuditServiceDeps) {
    this.#db = deps.db;
  }

  /** Newest first; `from` inclusive and `to` exclusive (ISO 8601 timestamps); `page` from 1. */
  list(filter: AuditFilter): Promise<Page<AuditEvent>> {
    return listAuditEvents(this.#db, filter);
  }
}
