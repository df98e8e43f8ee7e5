/**
 * The scope catalogue: every `resource:action` the gateway knows, as typed data.
 *
 * Rules (SPEC §2), enforced by the server and stated here once:
 * - A scope is `resource:action` with action `create | read | update | delete | execute`,
 *   or `resource:*` for every action the resource supports. There is no global `*`.
 * - Recurring schedules belong to the `invoice` family; there is no `recurring:*` scope.
 * - Portal magic links need `portal:create` only, deliberately not `organization:execute`.
 * - System-tier scopes (`system:*`, `organization:create`, `organization:delete`, and any
 *   wildcard that includes them) can only be held by system keys.
 * - No escalation: a credential may only grant scopes it holds itself.
 */

export const ACTIONS = ['create', 'read', 'update', 'delete', 'execute'] as const;
export type Action = (typeof ACTIONS)[number];

/** Every resource with the actions it actually supports and a description of each. */
export const SCOPE_CATALOGUE = {
  checkout: {
    description: 'Hosted checkout sessions and payment links',
    actions: {
      create: 'Create checkout sessions and payment links',
      read: 'Read checkout sessions',
      update: 'Update open checkout sessions',
      execute: 'Expire or cancel checkout sessions',
    },
  },
  transaction: {
    description: 'Payment transactions',
    actions: {
      create: 'Record manual transactions (payments taken outside the gateway)',
      read: 'Read transactions',
      execute: 'Refund or capture transactions',
    },
  },
  invoice: {
    description: 'Invoices and recurring invoice schedules (there is no recurring:* scope)',
    actions: {
      create: 'Create draft invoices and recurring schedules',
      read: 'Read invoices and recurring schedules',
      update: 'Update draft invoices and recurring schedules',
      delete: 'Delete draft invoices',
      execute: 'Issue invoices; pause, resume or cancel recurring schedules',
    },
  },
  credit_note: {
    description: 'Credit notes (each refund of a transaction creates one)',
    actions: {
      create: 'Create credit notes',
      read: 'Read credit notes',
      update: 'Update draft credit notes',
      execute: 'Issue credit notes',
    },
  },
  client: {
    description: "The merchant's customers (billing clients)",
    actions: {
      create: 'Create clients',
      read: 'Read clients',
      update: 'Update clients',
      delete: 'Delete clients',
    },
  },
  site: {
    description: 'Sites that host checkouts',
    actions: {
      create: 'Create sites',
      read: 'Read sites',
      update: 'Update sites',
      delete: 'Delete sites',
    },
  },
  provider: {
    description: 'Payment provider connections',
    actions: {
      create: 'Connect payment providers',
      read: 'Read payment provider connections',
      update: 'Update payment provider connections',
      delete: 'Disconnect payment providers',
    },
  },
  domain: {
    description: 'Custom domains',
    actions: {
      create: 'Add custom domains',
      read: 'Read custom domains',
      update: 'Update custom domains',
      delete: 'Remove custom domains',
      execute: 'Verify custom domains',
    },
  },
  api_key: {
    description: 'API keys of an organization (or, for system keys, of any organization)',
    actions: {
      create: 'Create API keys (only with scopes the caller holds)',
      read: 'List and read API key metadata (never secrets)',
      update: 'Update API key name, scopes, IP allowlist and expiry',
      delete: 'Delete API keys permanently',
      execute: 'Revoke and rotate API keys',
    },
  },
  organization: {
    description: 'Organizations and their settings',
    actions: {
      create: 'Provision organizations (system tier)',
      read: 'Read organization settings and audit events',
      update: 'Update organization settings',
      delete: 'Offboard organizations (system tier)',
    },
  },
  tax_rule: {
    description: 'Tax rules',
    actions: {
      create: 'Create tax rules',
      read: 'Read tax rules',
      update: 'Update tax rules',
      delete: 'Delete tax rules',
    },
  },
  tax_rate: {
    description: 'Tax rates',
    actions: {
      create: 'Create tax rates',
      read: 'Read tax rates',
      update: 'Update tax rates',
      delete: 'Delete tax rates',
    },
  },
  tax_report: {
    description: 'Tax reports',
    actions: {
      read: 'Read tax reports',
      execute: 'Generate tax reports',
    },
  },
  tax_record: {
    description: 'Tax records',
    actions: {
      read: 'Read tax records',
    },
  },
  data_io: {
    description: 'Data import and export jobs',
    actions: {
      read: 'Download the CSV templates of imports and exports',
      execute: "Export the organization's records (streamed CSV or JSON) and validate or run clients imports",
    },
  },
  export: {
    description: 'Exported files',
    actions: {
      create: 'Create exports',
      read: 'Download exports',
    },
  },
  system: {
    description: 'Gateway-wide administration (system tier)',
    actions: {
      read: 'Read system settings, deep health, users and the system audit log',
      update: 'Change system settings, users and memberships',
      execute: 'Run gateway-wide jobs on demand (recurring invoice processing)',
    },
  },
  portal: {
    description: 'Customer portal',
    actions: {
      create: 'Mint customer-portal magic links (deliberately not organization:execute)',
    },
  },
  vies: {
    description: 'EU VAT number validation (VIES)',
    actions: {
      execute: 'Validate VAT numbers against VIES',
    },
  },
  userprofile: {
    description: "The calling user's own profile",
    actions: {
      read: 'Read the own user profile',
      update: 'Update the own user profile',
    },
  },
} as const satisfies Record<string, { description: string; actions: Partial<Record<Action, string>> }>;

type Catalogue = typeof SCOPE_CATALOGUE;
export type Resource = keyof Catalogue;
type ExactScope = {
  [R in Resource]: `${R}:${Extract<keyof Catalogue[R]['actions'], string>}`;
}[Resource];
/** A valid scope: `resource:action` from the catalogue, or `resource:*`. */
export type Scope = ExactScope | `${Resource}:*`;

export const RESOURCES = Object.keys(SCOPE_CATALOGUE) as Resource[];

/** Every valid scope, exact ones first per resource, then its wildcard. */
export const ALL_SCOPES: readonly Scope[] = RESOURCES.flatMap((resource) => [
  ...(Object.keys(SCOPE_CATALOGUE[resource].actions) as Action[]).map((a) => `${resource}:${a}` as Scope),
  `${resource}:*` as Scope,
]);

const ALL_SCOPE_SET: ReadonlySet<string> = new Set(ALL_SCOPES);

/** Scopes that only system keys may hold (and only global admins may exercise). */
const SYSTEM_TIER_EXACT: ReadonlySet<string> = new Set([
  'system:read',
  'system:update',
  'system:execute',
  'organization:create',
  'organization:delete',
]);

/** Resources whose scopes a system key may carry: system administration and key management. */
export const SYSTEM_KEY_RESOURCES: readonly Resource[] = ['system', 'organization', 'api_key'];

export function isScope(value: string): value is Scope {
  return ALL_SCOPE_SET.has(value);
}

/** The exact (non-wildcard) scopes a scope grants; none for a string outside the catalogue. */
export function expandScope(scope: Scope): Scope[] {
  // Callers may pass unchecked strings (`*`, `recurring:*`): they grant nothing, they never throw.
  if (!isScope(scope)) return [];
  const [resource, action] = splitScope(scope);
  if (action !== '*') return [scope];
  return (Object.keys(SCOPE_CATALOGUE[resource].actions) as Action[]).map((a) => `${resource}:${a}` as Scope);
}

/** True when the scope grants any system-tier action, so an organization key can never hold it. */
export function isSystemTierScope(scope: Scope): boolean {
  return expandScope(scope).some((s) => SYSTEM_TIER_EXACT.has(s));
}

/** True when a system key may carry the scope. */
export function isSystemKeyScope(scope: Scope): boolean {
  return SYSTEM_KEY_RESOURCES.includes(splitScope(scope)[0]);
}

/** Scope descriptions keyed by scope, for the OpenAPI document and admin UIs. */
export const SCOPE_DESCRIPTIONS: Readonly<Record<Scope, string>> = Object.fromEntries(
  ALL_SCOPES.map((scope) => {
    const [resource, action] = splitScope(scope);
    const entry = SCOPE_CATALOGUE[resource];
    const text =
      action === '*' ? `Every action on ${resource}: ${entry.description}` : (entry.actions as Partial<Record<Action, string>>)[action]!;
    return [scope, text];
  }),
) as Record<Scope, string>;

function splitScope(scope: Scope): [Resource, Action | '*'] {
  const i = scope.indexOf(':');
  return [scope.slice(0, i) as Resource, scope.slice(i + 1) as Action | '*'];
}

export type ScopeParseResult =
  | { ok: true; scopes: Scope[] }
  | { ok: false; invalid: string[]; message: string; validScopes: readonly Scope[] };

/**
 * Validates a list of scope strings against the catalogue. Duplicates are removed and the
 * order is kept. Unknown scopes (including `*`, `recurring:*`) yield every valid scope so a
 * caller can show what to use instead.
 */
export function parseScopes(values: readonly string[]): ScopeParseResult {
  const invalid = values.filter((v) => !isScope(v));
  if (invalid.length > 0) {
    return {
      ok: false,
      invalid,
      message: `Unknown scope${invalid.length > 1 ? 's' : ''}: ${invalid.join(', ')}. Scopes are resource:action from the catalogue; see details.validScopes.`,
      validScopes: ALL_SCOPES,
    };
  }
  return { ok: true, scopes: [...new Set(values)] as Scope[] };
}

/** True when the granted scopes satisfy the required one (`resource:*` grants every action). */
export function hasScope(granted: readonly Scope[], required: Scope): boolean {
  // A scope outside the catalogue is never granted (and an empty expansion must not read as "all held").
  if (!isScope(required)) return false;
  const needed = expandScope(required);
  return needed.every((need) => {
    const resource = need.slice(0, need.indexOf(':'));
    return granted.some((g) => g === need || g === `${resource}:*`);
  });
}

/**
 * The no-escalation check: returns the requested scopes the grantor does not hold
 * (an empty array means the request is a subset and may be granted).
 */
export function findEscalations(grantorScopes: readonly Scope[], requested: readonly Scope[]): Scope[] {
  return requested.filter((s) => !hasScope(grantorScopes, s));
}

/** Least-privilege bundles for the common integrations (SPEC §2). */
export const SCOPE_BUNDLES = {
  /** Create checkout links from a storefront backend. */
  checkoutLinks: ['checkout:create'],
  /** Billing bridge auto-provisioning: find or create a client, then invoice it. */
  billingBridge: ['client:read', 'client:create', 'invoice:read', 'invoice:create'],
  /** Manage recurring invoice schedules (the invoice family; there is no recurring:* scope). */
  recurringSchedules: ['invoice:read', 'invoice:create', 'invoice:execute'],
  /** Mint customer-portal direct-login (magic) links. */
  portalLinks: ['portal:create'],
} as const satisfies Record<string, readonly Scope[]>;

export const CHECKOUT_LINKS_SCOPES = SCOPE_BUNDLES.checkoutLinks;
export const BILLING_BRIDGE_SCOPES = SCOPE_BUNDLES.billingBridge;
export const RECURRING_SCHEDULES_SCOPES = SCOPE_BUNDLES.recurringSchedules;
export const PORTAL_LINKS_SCOPES = SCOPE_BUNDLES.portalLinks;

/** Dashboard roles per organization (SPEC §2.1). */
export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const EDITOR_READ_ONLY: ReadonlySet<Resource> = new Set(['api_key', 'organization']);

/**
 * The scopes a role holds in an organization. System-tier scopes are never part of a role:
 * only a global admin exercises them.
 */
export function scopesForRole(role: Role): Scope[] {
  const out: Scope[] = [];
  for (const resource of RESOURCES) {
    for (const action of Object.keys(SCOPE_CATALOGUE[resource].actions) as Action[]) {
      const scope = `${resource}:${action}` as Scope;
      if (isSystemTierScope(scope)) continue;
      const allowed =
        role === 'admin' || action === 'read' || (role === 'editor' && action !== 'delete' && !EDITOR_READ_ONLY.has(resource));
      if (allowed) out.push(scope);
    }
  }
  return out;
}

/** Every exact scope, system tier included: what a global admin holds. */
export const GLOBAL_ADMIN_SCOPES: readonly Scope[] = ALL_SCOPES.filter((s) => !s.endsWith(':*'));
