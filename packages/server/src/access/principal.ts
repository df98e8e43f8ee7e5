import type { Actor, Role, Scope } from '@payment-gateway/contract';
import type { KeyRecord } from '../keys/key-record.js';
import type { KeyRotationStatus } from '../keys/rotation-policy.js';
import { assertNever } from '../util/assert-never.js';

/** Who is calling, once the credential has proven itself. */
export type Principal =
  | { kind: 'organizationKey'; key: KeyRecord; organizationId: string; rotation?: KeyRotationStatus }
  | { kind: 'systemKey'; key: KeyRecord; rotation?: KeyRotationStatus }
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
    default:
      return assertNever(principal, 'principal kind');
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
    default:
      return assertNever(principal, 'principal kind');
  }
}

/**
 * SPEC §2: only a global administrator's dashboard session may create a global administrator or
 * change anyone's global-admin flag. No API key can, whatever scopes it holds.
 */
export function mayGrantGlobalAdmin(principal: Principal): boolean {
  switch (principal.kind) {
    case 'session':
      return principal.globalAdmin;
    case 'organizationKey':
    case 'systemKey':
    case 'portalSession':
      return false;
    default:
      return assertNever(principal, 'principal kind');
  }
}

/** What bounds the keys a principal mints or changes (SPEC §2): its own allowlist and expiry, when it is a key. */
export interface KeyRestrictions {
  keyId: string;
  /** CIDRs, or null for no allowlist. */
  ipAllowlist: readonly string[] | null;
  /** ISO 8601, or null for no expiry. */
  expiresAt: string | null;
}

/** The restrictions a principal passes on to keys it creates or changes; null when it is not a key. */
export function keyRestrictionsOf(principal: Principal): KeyRestrictions | null {
  switch (principal.kind) {
    case 'organizationKey':
    case 'systemKey':
      return { keyId: principal.key.id, ipAllowlist: principal.key.ipAllowlist, expiresAt: principal.key.expiresAt };
    case 'session':
    case 'portalSession':
      return null;
    default:
      return assertNever(principal, 'principal kind');
  }
}
