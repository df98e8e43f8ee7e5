import { API_PREFIX, c } from './common.js';
import { keyRoutes } from './key-routes.js';

/** SPEC §4.2: system API keys, managed only by global-admin sessions. */
export const systemKeysContract = c.router(
  keyRoutes({
    base: '/system/api-keys',
    params: {},
    tag: 'System API keys',
    credentials: ['globalAdminSession'],
    organization: 'none',
    summaries: {
      list: 'List system API keys',
      create: 'Create a system API key (the token is shown once)',
      get: 'Get a system API key',
      update: 'Update a system API key',
      delete: 'Delete a system API key permanently',
      revoke: 'Revoke a system API key',
      rotate: 'Rotate the secret of a system API key',
      usage: "A system API key's requests per hour over the last 7 days, accepted and refused",
    },
  }),
  { pathPrefix: API_PREFIX },
);
