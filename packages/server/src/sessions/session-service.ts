import type { User } from '@payment-gateway/contract';
import { commitWithChanges } from '../storage/change-transaction.js';
import type { Kysely } from 'kysely';
import { recordAudit, type RequestOrigin } from '../audit/audit-log.js';
import { AppError } from '../errors/app-error.js';
import type { ChangeFeed } from '../storage/change-feed.js';
import { newId } from '../util/ids.js';
import type { Database } from '../storage/schema.js';
import type { UserService } from '../users/user-service.js';
import type { AccessTokens } from './access-tokens.js';
import { FeedCache } from '../storage/feed-cache.js';
import type { LoginLimiter } from './login-limiter.js';
import { dummyPasswordHash, verifyPassword } from '../users/password.js';
import { hashRefreshToken, looksLikeRefreshToken, newRefreshToken } from './refresh-tokens.js';
import * as repo from './session-repository.js';

export interface SessionServiceDeps {
  db: Kysely<Database>;
  feed: ChangeFeed;
  users: UserService;
  tokens: AccessTokens;
  limiter: LoginLimiter;
  /** Lifetime of each refresh token; a session lives as long as its newest one. */
  refreshTtlSeconds: number;
  /** Hard maximum age of a cached session state. @default 5000 */
  cacheMaxAgeMs?: number;
  now?: () => Date;
}

/** A signed-in session as handed to the HTTP layer: access token for the body, refresh token for the cookie. */
export interface IssuedSession {
  token: string;
  expiresAt: string;
  user: User;
  refreshToken: string;
  refreshExpiresAt: Date;
}

/** What the authenticator needs to know about a session on every request. */
export interface SessionState {
  userId: string;
  active: boolean;
  expiresAt: string;
}

/** Where a sign-in or refresh came from (no credential has been proven yet). */
export interface ClientContext {
  ip: string;
  requestId: string | null;
}

/**
 * Dashboard sessions: sign-in, rotating refresh with reuse detection, sign-out. A session is
 * one refresh-token family; revoking it ends every access token that names it (SPEC §4.4).
 */
export class SessionService {
  readonly #states: FeedCache<SessionState | null>;
  readonly #now: () => Date;

  constructor(private readonly d: SessionServiceDeps) {
    this.#now = d.now ?? (() => new Date());
    this.#states = new FeedCache(d.feed, { maxAgeMs: d.cacheMaxAgeMs, keyOf: (e) => (e.type === 'session' ? e.sessionId : null) });
  }

  /**
   * Signs a user in with email and password: a new session (refresh-token family) and its first
   * access token. Unknown emails cost the same scrypt as known ones (SPEC §4.4).
   * @throws AppError RATE_LIMITED (429, `Retry-After` seconds) before the password is checked;
   *   INVALID_CREDENTIALS (401) for an unknown email or a wrong password (one answer for both).
   */
  async login(input: { email: string; password: string }, ctx: ClientContext): Promise<IssuedSession> {
    const email = input.email.trim().toLowerCase();
    await this.d.limiter.assertAllowed(email, ctx.ip);
    const user = await this.d.users.findForLogin(email);
    // Unknown emails pay for a full scrypt too: the answer and its timing are the same.
    const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !ok) {
      await this.d.limiter.recordFailure(email, ctx.ip);
      if (user) {
        await recordAudit(
          this.d.db,
          { actor: { type: 'system', id: 'anonymous' }, requestId: ctx.requestId, ip: ctx.ip },
          {
            action: 'user.login_failed',
            organizationId: null,
            target: { type: 'user', id: user.id },
          },
        );
      }
      throw new AppError('INVALID_CREDENTIALS', 'The email or password is incorrect.');
    }
    await this.d.limiter.recordSuccess(email);
    const now = this.#now();
    const refreshToken = newRefreshToken();
    const refreshExpiresAt = new Date(now.getTime() + this.d.refreshTtlSeconds * 1000);
    const sessionId = newId('ses');
    const origin: RequestOrigin = { actor: { type: 'user', id: user.id }, requestId: ctx.requestId, ip: ctx.ip };
    await this.d.db.transaction().execute(async (trx) => {
      await repo.insertSession(
        trx,
        {
          id: sessionId,
          user_id: user.id,
          status: 'active',
          created_at: now.toISOString(),
          expires_at: refreshExpiresAt.toISOString(),
          last_refreshed_at: null,
          revoked_at: null,
          revoked_reason: null,
          ip: ctx.ip,
        },
        hashRefreshToken(refreshToken),
      );
      await recordAudit(trx, origin, { action: 'session.created', organizationId: null, target: { type: 'session', id: sessionId } });
    });
    return this.#issue(user.id, sessionId, refreshToken, refreshExpiresAt);
  }

  /**
   * Exchanges a refresh token for a new access token and a new refresh token. Presenting a
   * token that was already exchanged revokes its whole session (family): someone has a copy.
   * @throws AppError REFRESH_TOKEN_INVALID (401) for a missing, malformed, unknown, reused, expired or revoked token.
   */
  async refresh(token: string | undefined, ctx: ClientContext): Promise<IssuedSession> {
    if (!looksLikeRefreshToken(token)) throw new AppError('REFRESH_TOKEN_INVALID');
    const hash = hashRefreshToken(token);
    const now = this.#now();
    const at = now.toISOString();
    const next = newRefreshToken();
    const nextExpiresAt = new Date(now.getTime() + this.d.refreshTtlSeconds * 1000);
    const outcome = await commitWithChanges(this.d.db, this.d.feed, async (trx, announce) => {
      const row = await repo.findRefreshToken(trx, hash);
      if (!row) return { ok: false as const };
      const session = await repo.findSession(trx, row.session_id);
      if (!session) return { ok: false as const };
      if (row.used_at !== null || !(await repo.markRefreshTokenUsed(trx, hash, at))) {
        const revoked = await repo.revokeSession(trx, session.id, at, 'refresh_token_reused');
        if (revoked) {
          await recordAudit(
            trx,
            { actor: { type: 'user', id: session.user_id }, requestId: ctx.requestId, ip: ctx.ip },
            {
              action: 'session.refresh_token_reused',
              organizationId: null,
              target: { type: 'session', id: session.id },
            },
          );
          announce({ type: 'session', sessionId: session.id });
        }
        return { ok: false as const };
      }
      if (session.status !== 'active' || session.expires_at <= at || row.expires_at <= at) return { ok: false as const };
      await repo.addRefreshToken(trx, session.id, hashRefreshToken(next), at, nextExpiresAt.toISOString());
      return { ok: true as const, userId: session.user_id, sessionId: session.id };
    });
    if (!outcome.ok) throw new AppError('REFRESH_TOKEN_INVALID');
    return this.#issue(outcome.userId, outcome.sessionId, next, nextExpiresAt);
  }

  /**
   * Ends the session at once: its access tokens and refresh tokens stop working on every instance.
   * Idempotent: logging out of an ended session changes nothing and throws nothing.
   */
  async logout(sessionId: string, origin: RequestOrigin): Promise<void> {
    const at = this.#now().toISOString();
    await commitWithChanges(this.d.db, this.d.feed, async (trx, announce) => {
      if (await repo.revokeSession(trx, sessionId, at, 'logout')) {
        await recordAudit(trx, origin, {
          action: 'session.revoked',
          organizationId: null,
          target: { type: 'session', id: sessionId },
          metadata: { reason: 'logout' },
        });
      }
      announce({ type: 'session', sessionId });
    });
  }

  /** Cached (≤ maxAge, evicted by the change feed) state of a session for the auth path. */
  state(sessionId: string): Promise<SessionState | null> {
    return this.#states.load(sessionId, async () => {
      const s = await repo.findSession(this.d.db, sessionId);
      return s ? { userId: s.user_id, active: s.status === 'active', expiresAt: s.expires_at } : null;
    });
  }

  get cachedEntries(): number {
    return this.#states.size;
  }

  async #issue(userId: string, sessionId: string, refreshToken: string, refreshExpiresAt: Date): Promise<IssuedSession> {
    const [{ token, expiresAt }, user] = await Promise.all([this.d.tokens.sign({ userId, sessionId }), this.d.users.get(userId)]);
    return { token, expiresAt: expiresAt.toISOString(), user, refreshToken, refreshExpiresAt };
  }
}
