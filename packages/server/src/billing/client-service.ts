import type { Client, CreateClientBody } from '@payment-gateway/contract';
import type { Kysely } from 'kysely';
import { recordAudit, type RequestOrigin } from '../audit/audit-log.js';
import { AppError } from '../errors/app-error.js';
import { newId } from '../util/ids.js';
import { paginate, type Page } from '../storage/paginate.js';
import type { ClientsTable, Database } from '../storage/schema.js';
import { isUniqueViolation } from '../storage/unique-violation.js';
import { findInOrganization } from './find-in-organization.js';
import { toClient } from './records.js';

export interface BillingServiceDeps {
  db: Kysely<Database>;
  /** @default () => new Date() */
  now?: () => Date;
}

/** SPEC §5 clients, always within one organization: another organization's ids are 404. */
export class ClientService {
  readonly #db: Kysely<Database>;
  readonly #now: () => Date;

  constructor(deps: BillingServiceDeps) {
    this.#db = deps.db;
    this.#now = deps.now ?? (() => new Date());
  }

  /** One page of the organization's clients, newest first, optionally filtered by exact email or externalId. */
  async list(
    organizationId: string,
    q: { page: number; limit: number; email?: string | undefined; externalId?: string | undefined },
  ): Promise<Page<Client>> {
    let base = this.#db.selectFrom('clients').where('organization_id', '=', organizationId);
    if (q.email) base = base.where('email', '=', q.email);
    if (q.externalId) base = base.where('external_id', '=', q.externalId);
    return paginate(base.selectAll().orderBy('created_at', 'desc').orderBy('id'), q, toClient);
  }

  /**
   * @throws AppError NOT_FOUND (404) when the client does not exist in this organization.
   */
  async get(organizationId: string, id: string): Promise<Client> {
    return toClient(await this.find(organizationId, id));
  }

  /**
   * The client row.
   * @throws AppError NOT_FOUND (404) when the client does not exist in this organization.
   */
  async find(organizationId: string, id: string, db: Kysely<Database> = this.#db): Promise<ClientsTable> {
    return findInOrganization(db, 'clients', organizationId, id, 'client');
  }

  /**
   * Creates a client (SPEC §5) and records `client.created` in the same transaction.
   * @throws AppError CONFLICT (409, `details.externalId`) when the externalId is taken in this organization.
   */
  async create(organizationId: string, input: CreateClientBody, origin: RequestOrigin): Promise<Client> {
    const at = this.#now().toISOString();
    const row: ClientsTable = {
      id: newId('cli'),
      organization_id: organizationId,
      email: input.email,
      name: input.name,
      external_id: input.externalId ?? null,
      created_at: at,
      updated_at: at,
    };
    try {
      await this.#db.transaction().execute(async (trx) => {
        await trx.insertInto('clients').values(row).execute();
        await recordAudit(
          trx,
          origin,
          { action: 'client.created', organizationId, target: { type: 'client', id: row.id }, metadata: { externalId: row.external_id } },
          this.#now(),
        );
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw new AppError('CONFLICT', 'A client with this externalId already exists in this organization.', {
          externalId: row.external_id,
        });
      throw err;
    }
    return toClient(row);
  }
}
