import type { Actor, AuditAction, AuditEvent } from '@payment-gateway/contract';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../storage/schema.js';
import { newId } from '../util/ids.js';
import { storedWindow } from '../storage/time-window.js';
import { paginate, type Page } from '../storage/paginate.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Where a change came from; written with every audit event. */
export interface RequestOrigin {
  actor: Actor;
  requestId: string | null;
  ip: string | null;
}

export interface AuditEntry {
  /** One of the contract's AUDIT_ACTIONS. */
  action: AuditAction;
  organizationId: string | null;
  target: { type: string; id: string } | null;
  /** Action-specific details. Never put secrets, tokens or hashes here. */
  metadata?: Record<string, unknown>;
}

/** Writes one audit event, in the caller's transaction so it commits with the change. */
export async function recordAudit(db: Db, origin: RequestOrigin, entry: AuditEntry, at = new Date()): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      id: newId('evt'),
      action: entry.action,
      actor_type: origin.actor.type,
      actor_id: origin.actor.id,
      organization_id: entry.organizationId,
      target_type: entry.target?.type ?? null,
      target_id: entry.target?.id ?? null,
      request_id: origin.requestId,
      ip: origin.ip,
      created_at: at.toISOString(),
      metadata: JSON.stringify(entry.metadata ?? {}),
    })
    .execute();
}

export interface AuditFilter {
  organizationId?: string | undefined;
  actorId?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  page: number;
  limit: number;
}

/** Audit events, newest first. @throws AppError VALIDATION_FAILED when `from` is not before `to` */
export async function listAuditEvents(db: Db, f: AuditFilter): Promise<Page<AuditEvent>> {
  const window = storedWindow(f, 'query');
  let q = db.selectFrom('audit_events');
  if (f.organizationId) q = q.where('organization_id', '=', f.organizationId);
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.action) q = q.where('action', '=', f.action);
  // Bounds in the stored form, so text comparison is instant comparison (…00Z vs …00.500Z).
  if (window.from) q = q.where('created_at', '>=', window.from);
  if (window.to) q = q.where('created_at', '<', window.to);
  return paginate(q.selectAll().orderBy('seq', 'desc'), f, (r) => ({
    id: r.id,
    action: r.action,
    actor: { type: r.actor_type as Actor['type'], id: r.actor_id },
    organizationId: r.organization_id,
    target: r.target_type && r.target_id ? { type: r.target_type, id: r.target_id } : null,
    requestId: r.request_id,
    ip: r.ip,
    createdAt: r.created_at,
    metadata: JSON.parse(r.metadata) as Record<string, unknown>,
  }));
}
