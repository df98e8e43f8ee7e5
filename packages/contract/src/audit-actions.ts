/**
 * Every action an audit event can record (SPEC §7.5), with what it means. The server types
 * `recordAudit` by these names, so an event cannot be written under a name that is not here;
 * `GET …/audit-events?action=` filters by them.
 */
export const AUDIT_ACTIONS = {
  'organization.created': 'An organization was provisioned.',
  'organization.updated': "An organization's name or settings changed (metadata: the changes).",
  'organization.offboarded': 'An organization was offboarded and every one of its keys revoked.',
  'settings.updated': 'System settings changed (metadata: the changes).',
  'user.created': 'A dashboard user was created.',
  'user.login_failed': "A sign-in to an existing user's account failed.",
  'membership.role_set': "A user's role in an organization was set (added or changed).",
  'membership.removed': 'A user was removed from an organization.',
  'session.created': 'A user signed in.',
  'session.revoked': 'A user signed out, ending the session.',
  'session.refresh_token_reused': 'A refresh token was used twice; the session was revoked (theft signal).',
  'api_key.created': 'An API key was created.',
  'api_key.updated': "An API key's name, description, scopes, IP allowlist or expiry changed.",
  'api_key.rotated': "An API key's secret was rotated (the old one lasts for the grace period).",
  'api_key.revoked': 'An API key was revoked.',
  'api_key.deleted': 'An API key was deleted.',
  'api_key.rotation_due':
    "An API key's secret became older than keyPolicy.maxKeyAgeDays (recorded once per secret, on its first use once due; metadata: rotationDueAt).",
  'client.created': 'A billing client was created.',
  'invoice.created': 'A draft invoice was created.',
  'invoice.issued': 'An invoice was issued and numbered.',
  'recurring_schedule.created': 'A recurring invoice schedule was created.',
  'recurring_schedule.paused': 'A recurring schedule was paused.',
  'recurring_schedule.resumed': 'A recurring schedule was resumed.',
  'recurring_schedule.cancelled': 'A recurring schedule was cancelled.',
  'recurring_schedule.invoice_generated':
    'Recurring processing generated and issued the invoice of one schedule period (target: the invoice; metadata: scheduleId, period, number).',
  'recurring_schedule.completed': 'A recurring schedule passed its end date and completed (no further invoices).',
  'data_io.exported': "An organization's records were exported (metadata: entityType, format, from, to).",
  'data_io.clients_imported': 'A clients CSV was imported, all rows in one transaction (metadata: created).',
  'portal.magic_link.minted': 'A customer-portal magic link was created.',
  'portal.magic_link.consumed': 'A magic link was redeemed, opening a portal session.',
  'portal.magic_link.replayed': 'A magic link that was already used was presented again (the request got 401 MAGIC_LINK_INVALID).',
  'portal.magic_link.refused':
    'An expired magic link, or one for a closed portal, was presented (metadata: reason; 401 MAGIC_LINK_INVALID).',
  'portal.session.ended': 'A customer signed out of the portal.',
  'site.created': 'A site was created.',
  'site.deleted': 'A site was deleted (its open checkouts were cancelled).',
  'checkout.created': 'A checkout and its payment link were created.',
  'checkout.updated': "An open checkout's externalReference or metadata changed.",
  'checkout.completed': 'A checkout was paid on its payment page (metadata: transactionId).',
  'checkout.cancelled': 'The customer cancelled a checkout on its payment page.',
  'transaction.created': 'A manual transaction was recorded.',
  'transaction.refunded': 'A transaction was refunded, fully or partly (metadata: amount, creditNoteId).',
} as const satisfies Record<string, string>;

/** The name of an audit action, e.g. `api_key.created`. */
export type AuditAction = keyof typeof AUDIT_ACTIONS;

/** Every audit action name, in the order above. */
export const AUDIT_ACTION_LIST = Object.keys(AUDIT_ACTIONS) as AuditAction[];
