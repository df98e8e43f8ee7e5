import type { Generated } from 'kysely';
import type { CommerceTables } from './commerce-schema.js';

/**
 * Table types shared by both dialects. Portable on purpose: timestamps are ISO 8601 UTC
 * strings (they sort correctly as text), booleans are 0/1 integers, JSON is text.
 */
export interface OrganizationsTable {
  id: string;
  name: string;
  status: 'active' | 'offboarded';
  portal_enabled: number;
  created_at: string;
  updated_at: string;
  offboarded_at: string | null;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  global_admin: number;
  created_at: string;
  updated_at: string;
}

export interface MembershipsTable {
  user_id: string;
  organization_id: string;
  role: 'viewer' | 'editor' | 'admin';
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  tier: 'organization' | 'system';
  organization_id: string | null;
  name: string;
  description: string | null;
  /** JSON array of scopes. */
  scopes: string;
  status: 'active' | 'revoked';
  /** JSON array of CIDRs, or null. */
  ip_allowlist: string | null;
  expires_at: string | null;
  created_at: string;
  created_by_type: string;
  created_by_id: string;
  updated_at: string;
  last_used_at: string | null;
  last_rotated_at: string | null;
  /** Hex HMAC-SHA256(pepper[pepper_version], secret). */
  secret_hash: string;
  secret_prefix: string;
  pepper_version: number;
  previous_secret_hash: string | null;
  previous_pepper_version: number | null;
  previous_secret_expires_at: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
  /**
   * When the `api_key.rotation_due` audit event was written (migration 007); it belongs to the
   * current secret only when not older than coalesce(last_rotated_at, created_at).
   */
  rotation_due_notified_at: string | null;
  /** Bumped by every change; lets concurrent writers detect lost updates. */
  version: number;
}

export interface AuditEventsTable {
  id: string;
  action: string;
  actor_type: string;
  actor_id: string;
  organization_id: string | null;
  target_type: string | null;
  target_id: string | null;
  request_id: string | null;
  ip: string | null;
  created_at: string;
  /** JSON object. */
  metadata: string;
  seq: Generated<number>;
}

export interface SettingsTable {
  key: string;
  /** JSON value. */
  value: string;
  updated_at: string;
}

export interface ClientsTable {
  id: string;
  organization_id: string;
  /** Lower-cased. */
  email: string;
  name: string;
  external_id: string | null;
  created_at: string;
  updated_at: string;
}

/** Per-organization invoice number sequence (numbers are assigned at issue). */
export interface InvoiceCountersTable {
  organization_id: string;
  last_number: number;
}

export interface InvoicesTable {
  id: string;
  organization_id: string;
  client_id: string;
  number: string | null;
  status: 'draft' | 'issued';
  currency: string;
  /** JSON array of { description, quantity, unitAmount }. */
  lines: string;
  /** Minor units. */
  total_amount: number;
  due_date: string | null;
  recurring_schedule_id: string | null;
  /** The schedule period (its run date, YYYY-MM-DD) a generated invoice bills; unique per schedule (migration 006). */
  recurring_period: string | null;
  issued_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface RecurringSchedulesTable {
  id: string;
  organization_id: string;
  client_id: string;
  status: 'active' | 'paused' | 'cancelled' | 'completed';
  interval: 'weekly' | 'monthly' | 'quarterly' | 'yearly';
  currency: string;
  /** JSON array of invoice lines. */
  lines: string;
  /** YYYY-MM-DD. */
  start_date: string;
  next_run_date: string | null;
  created_at: string;
  updated_at: string;
  cancelled_at: string | null;
  /** YYYY-MM-DD: the last date a period may start on (migration 006). */
  end_date: string | null;
  completed_at: string | null;
}

export interface MagicLinksTable {
  id: string;
  /** Hex SHA-256 of the token; the token itself is never stored. */
  token_hash: string;
  organization_id: string;
  email: string;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
  created_by_type: string;
  created_by_id: string;
}

export interface PortalSessionsTable {
  id: string;
  /** Hex SHA-256 of the session token. */
  token_hash: string;
  magic_link_id: string;
  organization_id: string;
  email: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

/** A dashboard sign-in; its refresh tokens form one rotation family (migration 002). */
export interface SessionsTable {
  id: string;
  user_id: string;
  status: 'active' | 'revoked';
  created_at: string;
  /** When the newest refresh token expires; the session ends with it. */
  expires_at: string;
  last_refreshed_at: string | null;
  revoked_at: string | null;
  /** logout | refresh_token_reused | user_removed … */
  revoked_reason: string | null;
  ip: string | null;
}

/** Every refresh token ever issued for a session, by hash, so a reused rotated one is recognised. */
export interface RefreshTokensTable {
  /** Hex SHA-256 of the opaque token (256 random bits: a fast hash is enough). */
  token_hash: string;
  session_id: string;
  created_at: string;
  expires_at: string;
  /** Set when the token was exchanged; presenting it again is reuse. */
  used_at: string | null;
}

export interface Database extends CommerceTables {
  organizations: OrganizationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  api_keys: ApiKeysTable;
  audit_events: AuditEventsTable;
  settings: SettingsTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  clients: ClientsTable;
  invoice_counters: InvoiceCountersTable;
  invoices: InvoicesTable;
  recurring_schedules: RecurringSchedulesTable;
  magic_links: MagicLinksTable;
  portal_sessions: PortalSessionsTable;
  recurring_leases: RecurringLeasesTable;
  recurring_runs: RecurringRunsTable;
}

/** One row per background job (`recurring`): who runs it and until when (migration 006). */
export interface RecurringLeasesTable {
  name: string;
  owner: string | null;
  /** ISO 8601; the lease is free when null or past. */
  expires_at: string | null;
}

/** One row per recurring-processing run (migration 006). */
export interface RecurringRunsTable {
  id: string;
  trigger: 'timer' | 'api' | 'cli';
  instance: string;
  started_at: string;
  finished_at: string | null;
  generated: number;
  completed: number;
  /** JSON array of { scheduleId, organizationId, message }. */
  errors: string;
}
