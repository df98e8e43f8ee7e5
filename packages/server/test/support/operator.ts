import type { RequestOrigin } from '../../src/audit/audit-log.js';

/** The actor of changes a test makes directly through the services. */
export const OPERATOR: RequestOrigin = { actor: { type: 'system', id: 'test' }, requestId: null, ip: null };
