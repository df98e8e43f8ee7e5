import type { Actor, Role, Scope } from '@payment-gateway/contract';
import type { KeyRecord } from '../keys/key-record.js';

/** Who is calling, once the credential has proven itself. */
export type Principal =
  | { kind: 'organizationKey'; key: KeyRecord; organizationId: string }
  | { kind: 'systemKey'; key: KeyRecord }
  | {
      kind: 'session';
      userId: string;
      sessionId: string;
      email: string;
      globalAdmin: boolean;
      /** organizationId → role */
      memberships: ReadonlyMap<string, Role>;
      expiresAt: Date;
    }
  | { kind: 'portalSession'; sessionId: string; email: string; organizationId: string; expiresAt: Date };

/** The authenticated request: principal, resolved organization and the scopes that apply there. */
export interface AuthContext {
  principal: Principal;
  /** The organization the request acts in (SPEC §3), or null on routes without one. */
  organizationId: string | null;
  /** Scopes the principal holds in that organization (keys: their own; sessions: their role's). */
  scopes: readonly Scope[];
  actor: Actor;
  requestId: string;
  ip: string;
}

export function actorOf(principal: Principal): Actor {
  switch (principal.kind) {
    case 'organizationKey':
    case 'systemKey':
      return { type: 'api_key', id: principal.key.id };
    case 'session':
      return { type: 'user', id: principal.userId };
    case 'portalSession':
      return { type: 'portal', id: principal.sessionId };
  }
}

/** A stable id for per-credential rate limiting. */
export function credentialId(principal: Principal): string {
  switch (principal.kind) {
    case 'organizationKey':
    case 'systemKey':
      return `key:${principal.key.id}`;
    case 'session':
      return `session:${principal.sessionId}`;
    case 'portalSession':
      return `portal:${principal.sessionId}`;
  }
}
