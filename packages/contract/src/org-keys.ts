import { API_PREFIX, c, OrganizationId } from './common.js';
import { keyRoutes } from './key-routes.js';

/** SPEC §4.1: organization API keys. System keys may manage any organization's keys (§3). */
export const orgKeysContract = c.router(
  keyRoutes({
    base: '/organizations/:orgId/api-keys',
    params: { orgId: OrganizationId },
    tag: 'Organization API keys',
    credentials: ['organizationKey', 'systemKey', 'session'],
    organization: 'path',
    summaries: {
      list: "List an organization's API keys",
      create: 'Create an organization API key (the token is shown once)',
      get: 'Get an organization API key',
      update: 'Update name, description, scopes, IP allowlist or expiry',
      delete: 'Delete an organization API key permanently',
      revoke: 'Revoke an organization API key (irreversible; revoking again is a no-op)',
      rotate: 'Rotate the secret of an organization API key, keeping the old one for a grace period',
      usage: "An organization API key's requests per hour over the last 7 days, accepted and refused",
    },
  }),
  { pathPrefix: API_PREFIX },
);
