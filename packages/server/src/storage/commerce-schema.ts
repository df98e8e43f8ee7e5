/**
 * Table types of the commerce migration (005, SPEC §5): portable like schema.ts. Amounts are
 * integers in minor units; bigint columns read back as numbers on both dialects (pg-pool.ts).
 */
export interface SitesTable {
  id: string;
  organization_id: string;
  name: string;
  url: string;
  default_currency: string;
  created_at: string;
  /** Set when the site is deleted: it disappears from the API, its checkouts and transactions stay. */
  deleted_at: string | null;
}

export interface CheckoutsTable {
  id: string;
  organization_id: string;
  site_id: string;
  /** Stored status; an `open` row past expires_at reads as `expired`. */
  status: 'open' | 'completed' | 'cancelled' | 'expired';
  amount: number;
  currency: string;
  email: string;
  external_reference: string | null;
  invoice_number: string | null;
  client_id: string | null;
  return_url: string | null;
  cancel_url: string | null;
  /** JSON array of items. */
  items: string;
  /** JSON object of string values. */
  metadata: string;
  session_public_id: string;
  short_code: string;
  transaction_id: string | null;
  expires_at: string;
  completed_at: string | null;
  cancelled_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface TransactionsTable {
  id: string;
  organization_id: string;
  status: 'succeeded' | 'partially_refunded' | 'refunded';
  source: 'checkout' | 'manual';
  amount: number;
  refunded_amount: number;
  currency: string;
  site_id: string | null;
  checkout_id: string | null;
  client_id: string | null;
  provider: string;
  provider_reference: string | null;
  description: string | null;
  external_reference: string | null;
  created_at: string;
  updated_at: string;
}

export interface CreditNoteCountersTable {
  organization_id: string;
  last_number: number;
}

export interface CreditNotesTable {
  id: string;
  organization_id: string;
  number: string;
  transaction_id: string;
  client_id: string | null;
  amount: number;
  currency: string;
  reason: string | null;
  created_at: string;
}

export interface IdempotencyKeysTable {
  organization_id: string;
  idempotency_key: string;
  /** Hex SHA-256 of method, path and canonical JSON body. */
  request_hash: string;
  state: 'in_progress' | 'completed';
  response_status: number | null;
  /** The stored JSON response body (text), once completed. */
  response_body: string | null;
  created_at: string;
  expires_at: string;
}

export interface CommerceTables {
  sites: SitesTable;
  checkouts: CheckoutsTable;
  transactions: TransactionsTable;
  credit_note_counters: CreditNoteCountersTable;
  credit_notes: CreditNotesTable;
  idempotency_keys: IdempotencyKeysTable;
}
