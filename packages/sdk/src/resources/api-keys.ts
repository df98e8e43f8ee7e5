import { pathParam, type ResourceContext } from '../internal/api-client.js';
import type { RequestOptions } from '../options.js';
import { KeyOperations } from './key-operations.js';

export interface OrganizationRequestOptions extends RequestOptions {
  /**
   * The organization to act on. Defaults to the calling key's own organization, asked of
   * `whoami` once and cached. Required with a system key, which has no organization.
   */
  organizationId?: string;
}

/**
 * Organization API keys (`/organizations/{orgId}/api-keys`). An organization key manages its
 * own organization's keys; a system key passes `{ organizationId }`.
 */
export class ApiKeys extends KeyOperations<OrganizationRequestOptions, { orgId: string }> {
  constructor(ctx: ResourceContext) {
    super(ctx.api.orgApiKeys, async (options) => ({
      orgId: pathParam(await ctx.organization.resolve(options.organizationId, options), 'organizationId'),
    }));
  }
}
