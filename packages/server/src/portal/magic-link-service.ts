import type { MagicLink, PortalSession } from '@payment-gateway/contract';
import type { Kysely } from 'kysely';
import { recordAudit, type RequestOrigin } from '../audit/audit-log.js';
import { AppError } from '../errors/app-error.js';
import { newId } from '../util/ids.js';
import type { Database, MagicLinksTable } from '../storage/schema.js';
import { portalClosedReason, type PortalPolicyDeps } from './portal-policy.js';
import { hashPortalToken, isPortalToken, MAGIC_LINK_PREFIX, newPortalToken, PORTAL_SESSION_PREFIX } from './portal-tokens.js';
import { hasIssuedInvoice, hasSchedule } from './portal-visibility.js';

/** The per-IP failed-authentication limiter (RateLimits satisfies it). */
export interface FailedAuthLimiter {
  assertIpNotBlocked(ip: string): Promise<void>;
  recordAuthFailure(ip: string): Promise<void>;
}

export interface MagicLinkServiceOptions extends PortalPolicyDeps {
  db: Kysely<Database>;
  /**
   * Base of the customer-facing portal, read at mint time (the listen port is known only after
   * listen); links are `${publicBaseUrl()}/portal/login#token=…` (SPEC §12).
   */
  publicBaseUrl: () => string;
  limiter: FailedAuthLimiter;
  /** @default () => new Date() */
  now?: () => Date;
}

/** Who redeems a link: nobody is authenticated yet, so only the request is known. */
export interface RedeemContext {
  requestId: string | null;
  ip: string;
}

const MINUTE = 60_000;
const ANONYMOUS = { type: 'portal', id: 'anonymous' } as const;

/** SPEC §6: minting single-use magic links and redeeming them for portal sessions. */
export class MagicLinkService {
  readonly #o: MagicLinkServiceOptions;
  readonly #now: () => Date;

  constructor(options: MagicLinkServiceOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Mints a single-use customer-portal link for `email` (SPEC §6). The effective TTL is
   * `min(ttlMinutes, system magicLinkTtlMinutes)` minutes; the token (256 bits) is stored hashed
   * and placed in the URL fragment.
   * @returns `{ url, expiresAt (ISO 8601), ttlMinutes }`.
   * @throws AppError VALIDATION_FAILED (400) for a ttlMinutes that is not a positive integer;
   *   PORTAL_DISABLED, MAGIC_LINKS_DISABLED, ORGANIZATION_PORTAL_DISABLED or PORTAL_NOTHING_TO_SHOW (422).
   */
  async createMagicLink(
    organizationId: string,
    input: { email: string; ttlMinutes?: number | undefined },
    origin: RequestOrigin,
  ): Promise<MagicLink> {
    // The contract's schema refuses a bad ttlMinutes at the edge; this guards other callers (SPEC §7.1).
    if (input.ttlMinutes !== undefined && !(Number.isInteger(input.ttlMinutes) && input.ttlMinutes > 0)) {
      throw new AppError('VALIDATION_FAILED', undefined, {
        issues: [{ path: 'body.ttlMinutes', message: 'must be a positive whole number of minutes' }],
      });
    }
    const closed = await portalClosedReason(this.#o, organizationId, { magicLinks: true });
    if (closed) throw new AppError(closed);
    const { db } = this.#o;
    const visible =
      (await hasIssuedInvoice(db, organizationId, input.email)) || (await hasSchedule(db, organizationId, input.email, ['active']));
    if (!visible) throw new AppError('PORTAL_NOTHING_TO_SHOW');

    const policy = (await this.#o.settings.get()).portal.magicLinkTtlMinutes;
    const ttlMinutes = Math.min(input.ttlMinutes ?? policy, policy);
    const now = this.#now();
    const token = newPortalToken(MAGIC_LINK_PREFIX);
    const row: MagicLinksTable = {
      id: newId('pml'),
      token_hash: hashPortalToken(token),
      organization_id: organizationId,
      email: input.email,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ttlMinutes * MINUTE).toISOString(),
      consumed_at: null,
      created_by_type: origin.actor.type,
      created_by_id: origin.actor.id,
    };
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('magic_links').values(row).execute();
      await recordAudit(
        trx,
        origin,
        {
          action: 'portal.magic_link.minted',
          organizationId,
          target: { type: 'magic_link', id: row.id },
          metadata: { email: row.email, ttlMinutes, expiresAt: row.expires_at },
        },
        now,
      );
    });
    const base = this.#o.publicBaseUrl().replace(/\/+$/, '');
    return { url: `${base}/portal/login#token=${token}`, expiresAt: row.expires_at, ttlMinutes };
  }

  /**
   * Redeems a link exactly once: the conditional UPDATE (unconsumed and unexpired) is the only
   * gate, so of any number of concurrent redemptions exactly one changes a row and wins.
   * @throws AppError MAGIC_LINK_INVALID (401) for a malformed, unknown, consumed or expired token or
   *   a closed portal; RATE_LIMITED (429, `Retry-After` seconds) while the client IP is blocked.
   */
  async redeem(token: string, ctx: RedeemContext): Promise<PortalSession> {
    await this.#o.limiter.assertIpNotBlocked(ctx.ip);
    try {
      return await this.#redeem(token, ctx);
    } catch (err) {
      if (err instanceof AppError && err.code === 'MAGIC_LINK_INVALID') await this.#o.limiter.recordAuthFailure(ctx.ip);
      throw err;
    }
  }

  async #redeem(token: string, ctx: RedeemContext): Promise<PortalSession> {
    if (!isPortalToken(MAGIC_LINK_PREFIX, token)) throw new AppError('MAGIC_LINK_INVALID');
    const { db } = this.#o;
    const link = await db.selectFrom('magic_links').selectAll().where('token_hash', '=', hashPortalToken(token)).executeTakeFirst();
    if (!link) throw new AppError('MAGIC_LINK_INVALID');
    const now = this.#now();
    const at = now.toISOString();
    if (link.consumed_at !== null || link.expires_at <= at)
      return this.#refuse(link, link.consumed_at !== null ? 'already_consumed' : 'expired', ctx, now);
    // A portal switched off after minting makes the link useless; it is not burned.
    if (await portalClosedReason(this.#o, link.organization_id, { magicLinks: true }))
      return this.#refuse(link, 'portal_disabled', ctx, now);

    const sessionToken = newPortalToken(PORTAL_SESSION_PREFIX);
    const sessionId = newId('pss');
    const ttl = (await this.#o.settings.get()).portal.sessionTtlMinutes;
    const expiresAt = new Date(now.getTime() + ttl * MINUTE).toISOString();
    const won = await db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable('magic_links')
        .set({ consumed_at: at })
        .where('id', '=', link.id)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', at)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await trx
        .insertInto('portal_sessions')
        .values({
          id: sessionId,
          token_hash: hashPortalToken(sessionToken),
          magic_link_id: link.id,
          organization_id: link.organization_id,
          email: link.email,
          created_at: at,
          expires_at: expiresAt,
          revoked_at: null,
        })
        .execute();
      const origin: RequestOrigin = { actor: { type: 'portal', id: sessionId }, requestId: ctx.requestId, ip: ctx.ip };
      await recordAudit(
        trx,
        origin,
        {
          action: 'portal.magic_link.consumed',
          organizationId: link.organization_id,
          target: { type: 'magic_link', id: link.id },
          metadata: { email: link.email, sessionId, sessionExpiresAt: expiresAt },
        },
        now,
      );
      return true;
    });
    if (!won) return this.#refuse(link, 'already_consumed', ctx, now);
    return { token: sessionToken, expiresAt };
  }

  /** Records the refused attempt (replay, expiry, closed portal), then answers the one generic 401. */
  async #refuse(
    link: MagicLinksTable,
    reason: 'already_consumed' | 'expired' | 'portal_disabled',
    ctx: RedeemContext,
    now: Date,
  ): Promise<never> {
    const origin: RequestOrigin = { actor: ANONYMOUS, requestId: ctx.requestId, ip: ctx.ip };
    const action = reason === 'already_consumed' ? 'portal.magic_link.replayed' : 'portal.magic_link.refused';
    await recordAudit(
      this.#o.db,
      origin,
      { action, organizationId: link.organization_id, target: { type: 'magic_link', id: link.id }, metadata: { reason } },
      now,
    );
    throw new AppError('MAGIC_LINK_INVALID');
  }
}
