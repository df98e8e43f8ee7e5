import type { CreditNote } from '@payment-gateway/contract';
import type { Kysely } from 'kysely';
import { paginate, type Page } from '../storage/paginate.js';
import type { Database } from '../storage/schema.js';
import type { CommerceDeps } from './commerce-deps.js';
import { findOwned } from './find-owned.js';
import { toCreditNote } from './records.js';

/** SPEC §5 credit notes: read-only; TransactionService.refund creates them. */
export class CreditNoteService {
  readonly #db: Kysely<Database>;

  constructor(deps: CommerceDeps) {
    this.#db = deps.db;
  }

  async list(organizationId: string, q: { page: number; limit: number; transactionId?: string | undefined }): Promise<Page<CreditNote>> {
    let base = this.#db.selectFrom('credit_notes').where('organization_id', '=', organizationId);
    if (q.transactionId) base = base.where('transaction_id', '=', q.transactionId);
    return paginate(base.selectAll().orderBy('created_at', 'desc').orderBy('id'), q, toCreditNote);
  }

  /** @throws AppError NOT_FOUND */
  async get(organizationId: string, id: string): Promise<CreditNote> {
    return toCreditNote(await findOwned(this.#db, 'credit_notes', organizationId, id, 'credit note'));
  }
}
