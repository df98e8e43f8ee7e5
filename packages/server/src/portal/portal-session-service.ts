import type { Kysely } from 'kysely';
import { recordAudit, type RequestOrigin } from '../audit/audit-log.js';
import type { Principal } from '../access/principal.js';
import { AppError } from '../errors/app-error.js';
import type { Database } from '../storage/schema.js';
import { portalClosedReason, type PortalPolicyDeps } from './portal-policy.js';
import { hashPortalToken, isPortalToken, PORTAL_SESSION_PREFIX } from './portal-tokens.js';
import { hasSchedule, listVisibleInvoices, listVisibleSchedules } from './portal-visibility.js';

export type PortalPrincipal = Extract<Principal, { kind: 'portalSession' }>;

export interface PortalSessionServiceOptions extends PortalPolicyDeps {
  db: Kysely<Database>;
  /** @default () => new Date() */
  now?: () => Date;
}

/** SPEC §6 portal sessions: proving a `pst_` token, the session view, the invoice list, logout. */
export class PortalSessionService {
  readonly #o: PortalSessionServiceOptions;
  readonly #now: () => Date;

  constructor(options: PortalSessionServiceOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * The portal principal of an opaque portal session token (SPEC §6).
   * @throws AppError INVALID_CREDENTIALS (401), one generic answer for an unknown, malformed, expired
   *   or revoked token or a portal closed since the session began.
   */
  async authenticate(token: string): Promise<PortalPrincipal> {
    if (!isPortalToken(PORTAL_SESSION_PREFIX, token)) throw new AppError('INVALID_CREDENTIALS');
    const row = await this.#o.db
      .selectFrom('portal_sessions')
      .selectAll()
      .where('token_hash', '=', hashPortalToken(token))
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || row.expires_at <= this.#now().toISOString()) throw new AppError('INVALID_CREDENTIALS');
    if (await portalClosedReason(this.#o, row.organization_id, { magicLinks: false })) throw new AppError('INVALID_CREDENTIALS');
    return {
      kind: 'portalSession',
      sessionId: row.id,
      email: row.email,
      organizationId: row.organization_id,
      expiresAt: new Date(row.expires_at),
    };
  }

  /** `{ email, organizationId, hasSubscriptions, expiresAt (ISO 8601) }` of the session. */
  async describe(p: PortalPrincipal) {
    return {
      email: p.email,
      organizationId: p.organizationId,
      // Paused subscriptions are still the customer's; cancelled ones are not.
      hasSubscriptions: await hasSchedule(this.#o.db, p.organizationId, p.email, ['active', 'paused']),
      expiresAt: p.expiresAt.toISOString(),
    };
  }

  /** The session email's portal-visible (issued) invoices in its organization, one page (SPEC §6). */
  invoices(p: PortalPrincipal, q: { page: number; limit: number }) {
    return listVisibleInvoices(this.#o.db, p.organizationId, p.email, q);
  }

  /** The session email's active recurring schedules in its organization (SPEC §12). */
  recurringSchedules(p: PortalPrincipal, q: { page: number; limit: number }) {
    return listVisibleSchedules(this.#o.db, p.organizationId, p.email, q);
  }

  /** Revokes the portal session; idempotent, throws nothing for an already-ended session. */
  async logout(p: PortalPrincipal, origin: RequestOrigin): Promise<void> {
    const now = this.#now();
    await this.#o.db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable('portal_sessions')
        .set({ revoked_at: now.toISOString() })
        .where('id', '=', p.sessionId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) {
        await recordAudit(
          trx,
          origin,
          {
            action: 'portal.session.ended',
            organizationId: p.organizationId,
            target: { type: 'portal_session', id: p.sessionId },
            metadata: { email: p.email },
          },
          now,
        );
      }
    });
  }
}
