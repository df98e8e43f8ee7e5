import type { TagObject } from 'openapi3-ts/oas31';

/** Descriptions of the contract's tags, in the order the reference shows them. */
export const TAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  Authentication: 'Dashboard sign-in, session checks and `whoami`, which tells any credential who it is.',
  'Organization API keys':
    "An organization's API keys. Manageable by the organization's own keys (with `api_key:*` scopes, granting only scopes they hold), by its dashboard users through their role, and by system keys for any organization.",
  'System API keys': 'Keys that belong to no organization and carry system-tier scopes. Only global administrators manage them.',
  Organization: "The calling organization's settings and audit log.",
  'Customer portal links': 'Minting single-use customer-portal magic links; needs `portal:create` only.',
  'Customer portal': 'The customer-facing portal surface: redeem a magic link, then use the portal session.',
  Clients: "The merchant's billing clients.",
  Invoices: 'Invoices: drafts, and issuing them (issued invoices are visible in the customer portal).',
  'Recurring schedules': 'Recurring invoice schedules; governed by the `invoice` scopes (there is no `recurring:*` scope).',
  Sites: 'The merchant sites checkouts are taken for.',
  Checkouts:
    'Checkouts and their hosted payment page (`paymentUrl`). Creating one needs `checkout:create` only and honours `Idempotency-Key`.',
  Transactions:
    'Payments captured through checkouts or recorded manually, and their refunds (never more than captured; each creates a credit note). The money-moving POSTs honour `Idempotency-Key`.',
  'Credit notes': 'The credit notes refunds create.',
  'Data import and export':
    "Streamed exports of the organization's clients, invoices and transactions (CSV or JSON), CSV templates, and the all-or-nothing clients import (`data_io` scopes).",
  'System: organizations': 'Provisioning and offboarding organizations (system keys and global administrators).',
  'System: users': 'Dashboard users and their roles per organization (system keys and global administrators).',
  System: 'Gateway-wide settings, deep health and the audit log of every organization.',
  Health: 'Liveness probe for load balancers.',
};

/** Tag objects for the tags in use; a tag without a description is a generator bug. */
export function tagsFor(used: ReadonlySet<string>): TagObject[] {
  for (const tag of used) {
    if (!TAG_DESCRIPTIONS[tag]) throw new Error(`Tag "${tag}" has no description: add it to TAG_DESCRIPTIONS`);
  }
  return Object.entries(TAG_DESCRIPTIONS)
    .filter(([name]) => used.has(name))
    .map(([name, description]) => ({ name, description }));
}
