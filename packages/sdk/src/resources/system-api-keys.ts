import type { ResourceContext } from '../internal/api-client.js';
import type { RequestOptions } from '../options.js';
import { KeyOperations } from './key-operations.js';

/**
 * System API keys (`/system/api-keys`). The server accepts only global-admin sessions here,
 * so an API key gets `PermissionDeniedError` (`CREDENTIAL_NOT_ACCEPTED`); listed for completeness.
 */
export class SystemApiKeys extends KeyOperations<RequestOptions, object> {
  constructor(ctx: ResourceContext) {
    super(ctx.api.systemApiKeys, async () => ({}));
  }
}
