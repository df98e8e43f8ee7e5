import type { Membership, Role, User } from '@payment-gateway/contract';
import { commitWithChanges } from '../storage/change-transaction.js';
import type { Kysely } from 'kysely';
import { recordAudit, type RequestOrigin } from '../audit/audit-log.js';
import { AppError, notFound } from '../errors/app-error.js';
import { hashPassword } from './password.js';
import { FeedCache } from '../storage/feed-cache.js';
import type { ChangeFeed } from '../storage/change-feed.js';
import { newId } from '../util/ids.js';
import { paginate, type Page } from '../storage/paginate.js';
import type { Database, UsersTable } from '../storage/schema.js';

/** What a session needs to know about its user on every request (cached, evicted on `{type:'user'}`). */
export interface UserIdentity {
  id: string;
  email: string;
  globalAdmin: boolean;
  /** organizationId → role */
  memberships: ReadonlyMap<string, Role>;
}

export interface CreateUserInput {
  email: string;
  name: string;
  password: string;
  globalAdmin?: boolean | undefined;
}

/** The user's current role in the organization, read in the caller's transaction. */
function membershipRole(db: Kysely<Database>, organizationId: string, userId: string) {
  return db
    .selectFrom('memberships')
    .select('role')
    .where('user_id', '=', userId)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
}

function toUser(r: UsersTable, memberships: Membership[]): User {
  return { id: r.id, email: r.email, name: r.name, globalAdmin: r.global_admin === 1, createdAt: r.created_at, memberships };
}

/** What a UserService is built from. */
export interface UserServiceDeps {
  db: Kysely<Database>;
  feed: ChangeFeed;
  /** Longest a cached entry is used without a change-feed event, in milliseconds (KEY_CACHE_MAX_AGE_MS). @default 5000 */
  cacheMaxAgeMs?: number;
  /** The clock for timestamps. @default () => new Date() */
  now?: () => Date;
}

/** Dashboard users and their roles per organization. Every change is audited and announced. */
export class UserService {
  readonly #identities: FeedCache<UserIdentity | null>;

  private readonly db: Kysely<Database>;
  private readonly feed: ChangeFeed;
  readonly #now: () => Date;

  constructor(deps: UserServiceDeps) {
    this.db = deps.db;
    this.feed = deps.feed;
    this.#now = deps.now ?? (() => new Date());
    this.#identities = new FeedCache(deps.feed, {
      maxAgeMs: deps.cacheMaxAgeMs ?? 5000,
      keyOf: (e) => (e.type === 'user' ? e.userId : null),
    });
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Creates a dashboard user. Only a global administrator's session (or the operator) may create
   * a global administrator (SPEC §2). `caller` defaults to "the operator" only when the origin's
   * actor is the system (CLI, bootstrap); any other actor must say what it is allowed.
   * @throws AppError GLOBAL_ADMIN_SESSION_REQUIRED (403), CONFLICT (409, email taken)
   */
  async create(
    input: CreateUserInput,
    origin: RequestOrigin,
    caller: { mayGrantGlobalAdmin: boolean } = { mayGrantGlobalAdmin: origin.actor.type === 'system' },
  ): Promise<User> {
    if (input.globalAdmin === true && !caller.mayGrantGlobalAdmin) throw new AppError('GLOBAL_ADMIN_SESSION_REQUIRED');
    const email = input.email.trim().toLowerCase();
    const passwordHash = await hashPassword(input.password);
    const now = this.#now().toISOString();
    const row: UsersTable = {
      id: newId('usr'),
      email,
      name: input.name,
      password_hash: passwordHash,
      global_admin: input.globalAdmin ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.transaction().execute(async (trx) => {
        const existing = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
        if (existing) throw new AppError('CONFLICT', 'A user with this email already exists.');
        await trx.insertInto('users').values(row).execute();
        await recordAudit(trx, origin, {
          action: 'user.created',
          organizationId: null,
          target: { type: 'user', id: row.id },
          metadata: { email, globalAdmin: row.global_admin === 1 },
        });
      });
    } catch (err) {
      // A concurrent insert of the same email loses on the unique index.
      if (!(err instanceof AppError) && (await this.findForLogin(email)))
        throw new AppError('CONFLICT', 'A user with this email already exists.');
      throw err;
    }
    return toUser(row, []);
  }

  /**
   * The user with its memberships.
   * @throws AppError NOT_FOUND (404) when the user does not exist.
   */
  async get(id: string): Promise<User> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('user');
    return toUser(row, await this.#memberships([id]).then((m) => m.get(id) ?? []));
  }

  async list(q: { page: number; limit: number }): Promise<Page<User>> {
    const page = await paginate(this.db.selectFrom('users').selectAll().orderBy('created_at', 'desc').orderBy('id'), q, (r) => r);
    const memberships = await this.#memberships(page.items.map((r) => r.id));
    return { ...page, items: page.items.map((r) => toUser(r, memberships.get(r.id) ?? [])) };
  }

  /** The stored hash for a login attempt, or null when no user has this email. */
  async findForLogin(email: string): Promise<{ id: string; passwordHash: string } | null> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'password_hash'])
      .where('email', '=', email.trim().toLowerCase())
      .executeTakeFirst();
    return row ? { id: row.id, passwordHash: row.password_hash } : null;
  }

  /** Cached identity for the auth path; null when the user no longer exists. */
  identity(userId: string): Promise<UserIdentity | null> {
    return this.#identities.load(userId, async () => {
      const row = await this.db.selectFrom('users').select(['id', 'email', 'global_admin']).where('id', '=', userId).executeTakeFirst();
      if (!row) return null;
      const memberships = (await this.#memberships([userId])).get(userId) ?? [];
      return {
        id: row.id,
        email: row.email,
        globalAdmin: row.global_admin === 1,
        memberships: new Map(memberships.map((m) => [m.organizationId, m.role])),
      };
    });
  }

  /**
   * Sets (creates or changes) a user's role in an active organization.
   * @throws AppError NOT_FOUND (404) for an unknown organization or user; INVALID_STATE (409) for an offboarded organization.
   */
  async setMembership(organizationId: string, userId: string, role: Role, origin: RequestOrigin): Promise<Membership> {
    await commitWithChanges(this.db, this.feed, async (trx, announce) => {
      const org = await trx.selectFrom('organizations').select('status').where('id', '=', organizationId).executeTakeFirst();
      if (!org) throw notFound('organization');
      if (org.status !== 'active') throw new AppError('INVALID_STATE', 'An offboarded organization cannot get members.');
      const user = await trx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
      if (!user) throw notFound('user');
      const current = await membershipRole(trx, organizationId, userId);
      if (current) {
        await trx
          .updateTable('memberships')
          .set({ role })
          .where('user_id', '=', userId)
          .where('organization_id', '=', organizationId)
          .execute();
      } else {
        await trx
          .insertInto('memberships')
          .values({ user_id: userId, organization_id: organizationId, role, created_at: this.#now().toISOString() })
          .execute();
      }
      await recordAudit(trx, origin, {
        action: 'membership.role_set',
        organizationId,
        target: { type: 'user', id: userId },
        metadata: { role, previousRole: current?.role ?? null },
      });
      announce({ type: 'user', userId });
    });
    return { organizationId, role };
  }

  /**
   * Removes a user from an organization.
   * @throws AppError NOT_FOUND (404) when the user is not a member.
   */
  async removeMembership(organizationId: string, userId: string, origin: RequestOrigin): Promise<void> {
    await commitWithChanges(this.db, this.feed, async (trx, announce) => {
      const current = await membershipRole(trx, organizationId, userId);
      if (!current) throw notFound('membership');
      await trx.deleteFrom('memberships').where('user_id', '=', userId).where('organization_id', '=', organizationId).execute();
      await recordAudit(trx, origin, {
        action: 'membership.removed',
        organizationId,
        target: { type: 'user', id: userId },
        metadata: { previousRole: current.role },
      });
      announce({ type: 'user', userId });
    });
  }

  async #memberships(userIds: string[]): Promise<Map<string, Membership[]>> {
    const out = new Map<string, Membership[]>();
    if (userIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('memberships')
      .select(['user_id', 'organization_id', 'role'])
      .where('user_id', 'in', userIds)
      .orderBy('created_at')
      .orderBy('organization_id')
      .execute();
    for (const r of rows) {
      const list = out.get(r.user_id) ?? [];
      list.push({ organizationId: r.organization_id, role: r.role });
      out.set(r.user_id, list);
    }
    return out;
  }
}
