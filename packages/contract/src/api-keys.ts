import { z } from 'zod';
import { KeyId, OrganizationId, PageQuery, ScopeSchema, Timestamp, singleLineText, multiLineText } from './common.js';

/** `sk_<22 base62 keyId>.<43 base62 secret><6 base62 CRC32 checksum>` (SPEC §1.1). */
export const API_KEY_TOKEN_REGEX = /^sk_([0-9A-Za-z]{22})\.([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/;

/**
 * Response header on every request a key authenticates once its secret is due for rotation
 * (keyPolicy.maxKeyAgeDays): the ISO 8601 time it fell due, so integrators' logs show it.
 */
export const KEY_ROTATION_DUE_HEADER = 'Payment-Gateway-Key-Rotation-Due';

/** Who did something: an API key or a dashboard user. */
export const Actor = z.object({
  type: z.enum(['api_key', 'user', 'system', 'portal']),
  id: z.string().describe('Key id, user id, or "cli" for operator commands'),
});
export type Actor = z.infer<typeof Actor>;

const Cidr = z.string().trim().min(1).max(64).describe('An IPv4 or IPv6 address or CIDR block, e.g. 203.0.113.0/24');

/** Said when an allowlist is `[]`: it would refuse every address, which no caller means. */
export const EMPTY_ALLOWLIST_MESSAGE = 'must list at least one address or CIDR block; send null (or omit it) for no IP restriction';

/**
 * An IP allowlist as a request sets it: 1-100 entries. `[]` is refused (400 VALIDATION_FAILED at
 * `body.ipAllowlist`): a key no address may use is a client mistake, and `null` already says
 * "no restriction".
 */
const IpAllowlist = z.array(Cidr).min(1, EMPTY_ALLOWLIST_MESSAGE).max(100);

/** A key as every list/get/update/revoke response shows it: metadata only, never the secret. */
export const ApiKey = z
  .object({
    id: KeyId.describe('The public, stable key id (the part after sk_)'),
    tier: z.enum(['organization', 'system']),
    organizationId: OrganizationId.nullable().describe('null for system keys'),
    name: z.string(),
    description: z.string().nullable(),
    prefix: z.string().describe('The first 4 characters of the current secret, as a hint'),
    scopes: z.array(ScopeSchema),
    status: z.enum(['active', 'revoked']),
    ipAllowlist: z.array(z.string()).nullable(),
    expiresAt: Timestamp.nullable(),
    createdAt: Timestamp,
    createdBy: Actor,
    updatedAt: Timestamp,
    lastUsedAt: Timestamp.nullable(),
    lastRotatedAt: Timestamp.nullable(),
    previousSecretExpiresAt: Timestamp.nullable(),
    rotationDueAt: Timestamp.nullable().describe(
      'When the current secret falls (or fell) due for rotation under keyPolicy.maxKeyAgeDays: creation or last rotation plus that many days; null when no maximum age is set or the key is revoked',
    ),
    revokedAt: Timestamp.nullable(),
    revokedReason: z.string().nullable(),
  })
  .describe('ApiKey');
export type ApiKey = z.infer<typeof ApiKey>;

/** Create and rotate answers: the key plus the full token, shown this once only. */
export const ApiKeyWithToken = ApiKey.extend({
  token: z.string().describe('The full token sk_<keyId>.<secret>; returned once and never again'),
}).describe('ApiKeyWithToken');
export type ApiKeyWithToken = z.infer<typeof ApiKeyWithToken>;

export const CreateApiKeyBody = z
  .object({
    name: singleLineText(100),
    description: multiLineText(500).optional(),
    scopes: z.array(ScopeSchema).min(1).max(200).describe('Only scopes the caller holds itself'),
    ipAllowlist: IpAllowlist.nullable().optional().describe('At least one entry; null or absent: no IP restriction'),
    expiresAt: Timestamp.optional().describe('Must be in the future'),
  })
  .strict();
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

export const UpdateApiKeyBody = z
  .object({
    name: singleLineText(100).optional(),
    description: multiLineText(500).nullable().optional(),
    scopes: z.array(ScopeSchema).min(1).max(200).optional(),
    ipAllowlist: IpAllowlist.nullable().optional().describe('At least one entry; null removes the allowlist'),
    expiresAt: Timestamp.nullable().optional().describe('null removes the expiry'),
  })
  .strict();
export type UpdateApiKeyBody = z.infer<typeof UpdateApiKeyBody>;

export const RevokeApiKeyBody = z
  .object({ reason: multiLineText(500).optional() })
  .strict()
  .optional()
  .default({});

export const RotateApiKeyBody = z
  .object({
    gracePeriodSeconds: z
      .number()
      .int()
      .min(0)
      .max(604800)
      .optional()
      .describe('How long the previous secret keeps working (default from key policy, 86400; 0 = at once)'),
  })
  .strict()
  .optional()
  .default({});

export const ListApiKeysQuery = PageQuery.extend({
  status: z.enum(['active', 'revoked']).optional(),
}).strict();

/** The window key usage covers: the last 7 days, in UTC hours (issue 14). */
export const KEY_USAGE_HOURS = 168;

/** Requests one key made in one UTC hour. */
export const ApiKeyUsageHour = z
  .object({
    hour: Timestamp.describe('Start of the UTC hour'),
    accepted: z.number().int().min(0).describe('Requests the key authenticated and that passed authorization'),
    refused: z
      .number()
      .int()
      .min(0)
      .describe('Requests with the proven key that were refused: revoked, expired, IP not allowed, organization, scope or rate limit'),
  })
  .describe('ApiKeyUsageHour');

/**
 * A key's use over the last 7 days, per hour, oldest first. Counted in memory on the
 * verification path and written in batches with lastUsedAt, so it lags by up to
 * LAST_USED_FLUSH_MS. Requests with a wrong secret are not counted (they do not prove the key).
 */
export const ApiKeyUsage = z
  .object({
    keyId: KeyId,
    from: Timestamp.describe('Start of the first hour'),
    to: Timestamp.describe('End of the last hour (exclusive)'),
    totals: z.object({ accepted: z.number().int().min(0), refused: z.number().int().min(0) }),
    hours: z.array(ApiKeyUsageHour).describe(`${KEY_USAGE_HOURS} hourly buckets, oldest first, the current hour last`),
  })
  .describe('ApiKeyUsage');
export type ApiKeyUsage = z.infer<typeof ApiKeyUsage>;
