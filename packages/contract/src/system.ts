import { z } from 'zod';
import { AuditEvent, SystemAuditEventsQuery } from './audit.js';
import {
  authErrorResponses,
  c,
  Email,
  ErrorBody,
  meta,
  OrganizationId,
  PageQuery,
  pageOf,
  SYSTEM_ADMIN,
  Timestamp,
  UserId,
  API_PREFIX,
  bodyErrorResponses,
  singleLineText,
} from './common.js';
import { Organization } from './organizations.js';
import { Membership, RoleSchema, User } from './users.js';

export const SystemSettings = z
  .object({
    portal: z.object({
      enabled: z.boolean().describe('Customer portal access, gateway-wide'),
      magicLinksEnabled: z.boolean(),
      magicLinkTtlMinutes: z.number().int().min(1).max(1440).describe('Upper bound for every magic link (default 15)'),
      sessionTtlMinutes: z.number().int().min(1).max(10080).describe('Portal session lifetime (default 60)'),
    }),
    keyPolicy: z.object({
      defaultGracePeriodSeconds: z.number().int().min(0).max(604800).describe('Rotation grace when none is given (default 86400)'),
      maxGracePeriodSeconds: z.number().int().min(0).max(604800).describe('Longest grace a rotation may ask for (default 604800)'),
      maxKeyAgeDays: z
        .number()
        .int()
        .min(1)
        .max(3650)
        .nullable()
        .describe(
          'Days a key secret may live (since creation or its last rotation) before its rotation is due; null = no maximum age (default null)',
        ),
      enforceMaxKeyAge: z
        .boolean()
        .describe('Refuse a key with 401 API_KEY_ROTATION_REQUIRED once rotationGraceDays have passed since it fell due (default false)'),
      rotationGraceDays: z
        .number()
        .int()
        .min(0)
        .max(365)
        .describe('Days a due key keeps working under enforceMaxKeyAge before it is refused (default 14)'),
    }),
    organizationDefaults: z.object({
      portalEnabled: z.boolean().describe('Whether new organizations start with their portal enabled'),
    }),
  })
  .describe('SystemSettings');
export type SystemSettings = z.infer<typeof SystemSettings>;

/** PUT merges: every section and field is optional; what is given replaces what is stored. */
export const UpdateSystemSettingsBody = z
  .object({
    portal: SystemSettings.shape.portal.partial().strict().optional(),
    keyPolicy: SystemSettings.shape.keyPolicy.partial().strict().optional(),
    organizationDefaults: SystemSettings.shape.organizationDefaults.partial().strict().optional(),
  })
  .strict();

/** Where this instance counts its rate limits (SPEC §7.3) and whether that store answers. */
export const RateLimitsHealth = z
  .object({
    store: z.enum(['memory', 'redis']).describe('memory: per instance (no REDIS_URL); redis: shared by every instance'),
    status: z
      .enum(['ok', 'unreachable'])
      .describe('unreachable: Redis does not answer, so limits are counted per instance until it does (requests are still served)'),
  })
  .describe('RateLimitsHealth');

export const DeepHealth = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    uptimeSeconds: z.number(),
    database: z.object({ status: z.enum(['ok', 'error']), dialect: z.enum(['sqlite', 'postgres']), latencyMs: z.number() }),
    changeFeed: z.object({
      status: z.enum(['in-process', 'subscribed', 'disconnected']),
      lastEventAt: Timestamp.nullable(),
    }),
    cache: z.object({ entries: z.number().int(), maxAgeMs: z.number().int(), readThrough: z.boolean() }),
    rateLimits: RateLimitsHealth,
    apiKeyPepper: z
      .object({
        currentVersion: z.number().int().describe('API_KEY_PEPPER_VERSION: the pepper new and rotated secrets are hashed with'),
        previousConfigured: z.boolean().describe('Whether API_KEY_PEPPER_PREVIOUS is set (accepted for verification only)'),
        keysOnOlderPepper: z
          .number()
          .int()
          .nullable()
          .describe(
            'Active, unexpired keys whose current secret is hashed with an older pepper: rotate them before removing API_KEY_PEPPER_PREVIOUS (null if the database did not answer)',
          ),
        graceSecretsOnOlderPepper: z
          .number()
          .int()
          .nullable()
          .describe(
            'Previous secrets still in their rotation grace period that are hashed with an older pepper; they stop working early if the previous pepper is removed',
          ),
      })
      .describe('Pepper rotation: keys are never re-hashed on use, only a rotation moves a key to the current pepper'),
  })
  .describe('DeepHealth');

export const CreateOrganizationBody = z.object({ name: singleLineText(200), portalEnabled: z.boolean().optional() }).strict();
export const UpdateOrganizationBody = CreateOrganizationBody.partial().strict();

export const CreateUserBody = z
  .object({
    email: Email,
    name: singleLineText(200),
    password: z.string().min(12).max(1024).describe('At least 12 characters'),
    globalAdmin: z.boolean().optional().default(false),
  })
  .strict();

/** One run of recurring processing (SPEC §5): what it generated, completed and failed on. */
export const RecurringRun = z
  .object({
    id: z.string(),
    trigger: z.enum(['timer', 'api', 'cli']),
    instance: z.string().describe('The server instance (or CLI process) that ran it'),
    startedAt: Timestamp,
    finishedAt: Timestamp.nullable().describe('null while running (or when the run died)'),
    generated: z.number().int().min(0).describe('Invoices generated by this run'),
    completed: z.number().int().min(0).describe('Schedules that reached their end date in this run'),
    errors: z
      .array(z.object({ scheduleId: z.string(), organizationId: z.string(), message: z.string() }))
      .describe('Schedules that failed in this run (retried by the next run)'),
  })
  .describe('RecurringRun');
export type RecurringRun = z.infer<typeof RecurringRun>;

export const RecurringStatus = z
  .object({
    intervalMs: z.number().int().min(0).describe("This instance's RECURRING_INTERVAL_MS; 0 = its timer is off"),
    nextRunAt: Timestamp.nullable().describe("When this instance's timer next tries to run (null when off)"),
    running: z.boolean().describe('A run holds the lease right now (on any instance)'),
    lastRun: RecurringRun.nullable(),
    totalGenerated: z.number().int().min(0).describe('Invoices generated by recurring processing, ever'),
    dueSchedules: z.number().int().min(0).describe('Active schedules due today (UTC) or earlier, waiting for a run'),
    nextDueDate: z.string().date().nullable().describe('The earliest next run date of an active schedule'),
  })
  .describe('RecurringStatus');
export type RecurringStatus = z.infer<typeof RecurringStatus>;

const orgParams = z.object({ orgId: OrganizationId });
const memberParams = z.object({ orgId: OrganizationId, userId: UserId });
const errors = { ...authErrorResponses, 404: ErrorBody };
const ORGS = 'System: organizations';
const USERS = 'System: users';
const SYS = 'System';

/** SPEC §4.5: system administration, for system keys and global-admin sessions. */
export const systemContract = c.router(
  {
    listOrganizations: {
      method: 'GET',
      path: '/system/organizations',
      query: PageQuery.extend({ status: z.enum(['active', 'offboarded']).optional() }).strict(),
      responses: { 200: pageOf(Organization), ...errors },
      summary: 'List organizations',
      metadata: meta(ORGS, { credentials: SYSTEM_ADMIN, scope: 'organization:read', organization: 'none' }),
    },
    createOrganization: {
      method: 'POST',
      path: '/system/organizations',
      body: CreateOrganizationBody,
      responses: { 201: Organization, ...errors, ...bodyErrorResponses },
      summary: 'Provision an organization',
      metadata: meta(ORGS, { credentials: SYSTEM_ADMIN, scope: 'organization:create', organization: 'none' }),
    },
    getOrganization: {
      method: 'GET',
      path: '/system/organizations/:orgId',
      pathParams: orgParams,
      responses: { 200: Organization, ...errors },
      summary: 'Get an organization',
      metadata: meta(ORGS, { credentials: SYSTEM_ADMIN, scope: 'organization:read', organization: 'none' }),
    },
    updateOrganization: {
      method: 'PATCH',
      path: '/system/organizations/:orgId',
      pathParams: orgParams,
      body: UpdateOrganizationBody,
      responses: { 200: Organization, ...errors, 409: ErrorBody, ...bodyErrorResponses },
      summary: 'Update an organization',
      metadata: meta(ORGS, { credentials: SYSTEM_ADMIN, scope: 'organization:update', organization: 'none' }),
    },
    offboardOrganization: {
      method: 'DELETE',
      path: '/system/organizations/:orgId',
      pathParams: orgParams,
      body: c.noBody(),
      responses: { 200: Organization, ...errors },
      summary: 'Offboard an organization: status offboarded, every key revoked on every instance',
      metadata: meta(ORGS, { credentials: SYSTEM_ADMIN, scope: 'organization:delete', organization: 'none' }),
    },
    listUsers: {
      method: 'GET',
      path: '/system/users',
      query: PageQuery,
      responses: { 200: pageOf(User), ...errors },
      summary: 'List dashboard users',
      metadata: meta(USERS, { credentials: SYSTEM_ADMIN, scope: 'system:read', organization: 'none' }),
    },
    createUser: {
      method: 'POST',
      path: '/system/users',
      body: CreateUserBody,
      responses: { 201: User, ...errors, 409: ErrorBody, ...bodyErrorResponses },
      summary: 'Create a dashboard user',
      metadata: meta(USERS, { credentials: SYSTEM_ADMIN, scope: 'system:update', organization: 'none' }),
    },
    setMembership: {
      method: 'PUT',
      path: '/system/organizations/:orgId/members/:userId',
      pathParams: memberParams,
      body: z.object({ role: RoleSchema }).strict(),
      responses: { 200: Membership, ...errors, ...bodyErrorResponses },
      summary: "Set a user's role in an organization",
      metadata: meta(USERS, { credentials: SYSTEM_ADMIN, scope: 'system:update', organization: 'none' }),
    },
    removeMembership: {
      method: 'DELETE',
      path: '/system/organizations/:orgId/members/:userId',
      pathParams: memberParams,
      body: c.noBody(),
      responses: { 204: c.noBody(), ...errors },
      summary: 'Remove a user from an organization',
      metadata: meta(USERS, { credentials: SYSTEM_ADMIN, scope: 'system:update', organization: 'none' }),
    },
    getSettings: {
      method: 'GET',
      path: '/system/settings',
      responses: { 200: SystemSettings, ...errors },
      summary: 'Read system settings (portal policy, key policy, organization defaults)',
      metadata: meta(SYS, { credentials: SYSTEM_ADMIN, scope: 'system:read', organization: 'none' }),
    },
    updateSettings: {
      method: 'PUT',
      path: '/system/settings',
      body: UpdateSystemSettingsBody,
      responses: { 200: SystemSettings, ...errors, ...bodyErrorResponses },
      summary: 'Change system settings; effective at once',
      metadata: meta(SYS, { credentials: SYSTEM_ADMIN, scope: 'system:update', organization: 'none' }),
    },
    health: {
      method: 'GET',
      path: '/system/health',
      responses: { 200: DeepHealth, 503: DeepHealth, ...errors },
      summary: 'Deep health: database, change feed, cache, version, uptime',
      metadata: meta(SYS, { credentials: SYSTEM_ADMIN, scope: 'system:read', organization: 'none' }),
    },
    auditEvents: {
      method: 'GET',
      path: '/system/audit-events',
      query: SystemAuditEventsQuery,
      responses: { 200: pageOf(AuditEvent), ...errors },
      summary: 'Read the audit log of every organization, with filters',
      metadata: meta(SYS, { credentials: SYSTEM_ADMIN, scope: 'system:read', organization: 'none' }),
    },
    processRecurring: {
      method: 'POST',
      path: '/system/recurring/process',
      body: c.noBody(),
      responses: { 200: RecurringRun, ...errors, 409: ErrorBody },
      summary: 'Generate the invoices of every due recurring schedule now',
      description:
        'Each due period of each active schedule generates one issued invoice, once: a unique (schedule, period) constraint makes ' +
        'repeated and concurrent runs safe. One run at a time across every instance and the CLI (a lease); a second caller gets 409 RECURRING_RUN_IN_PROGRESS.',
      metadata: meta(SYS, { credentials: SYSTEM_ADMIN, scope: 'system:execute', organization: 'none' }),
    },
    recurringStatus: {
      method: 'GET',
      path: '/system/recurring/status',
      responses: { 200: RecurringStatus, ...errors },
      summary: 'Recurring processing: last run, next run, generated count, errors',
      metadata: meta(SYS, { credentials: SYSTEM_ADMIN, scope: 'system:read', organization: 'none' }),
    },
  },
  { pathPrefix: API_PREFIX },
);

/**
 * Probes for load balancers and orchestrators; outside /api/v1 and without authentication.
 * `/health` is shallow liveness (restart the process if it fails); `/health/ready` is
 * readiness (stop routing to the instance while it fails), SPEC §7.4.
 */
export const healthContract = c.router({
  health: {
    method: 'GET',
    path: '/health',
    responses: { 200: z.object({ status: z.literal('ok') }), 500: ErrorBody },
    summary: 'Liveness probe for load balancers (no auth, no database)',
    metadata: meta('Health', { credentials: [], scope: null, organization: 'none' }),
  },
  ready: {
    method: 'GET',
    path: '/health/ready',
    responses: { 200: z.object({ status: z.literal('ready'), rateLimits: RateLimitsHealth }), 503: ErrorBody },
    summary: 'Readiness probe for load balancers (no auth)',
    description:
      'Answers 200 while the instance reaches its database and its change feed is proven alive (a heartbeat heard within FEED_LIVENESS_MS); ' +
      'otherwise 503 SERVICE_UNAVAILABLE with Retry-After, so a load balancer stops routing to it. Never waits longer than DATABASE_TIMEOUT_MS. ' +
      'An unreachable Redis (REDIS_URL) does not make it fail: limits are then counted per instance, reported in rateLimits.',
    metadata: meta('Health', { credentials: [], scope: null, organization: 'none' }),
  },
});
