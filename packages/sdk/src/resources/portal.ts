import { unwrap, type ResourceContext } from '../internal/api-client.js';
import type { RequestOptions } from '../options.js';
import type { CreateMagicLinkParams, MagicLink } from '../types.js';

/** Customer-portal links, minted with `portal:create` alone. */
export class Portal {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  /**
   * Mints a single-use direct-login link for a customer (`portal:create`). `ttlMinutes` is
   * capped by system policy; the answer carries the effective value.
   * @example const { url } = await gw.portal.createMagicLink({ email: 'ada@example.com' });
   */
  createMagicLink(body: CreateMagicLinkParams, options: RequestOptions = {}): Promise<MagicLink> {
    return unwrap(this.#ctx.api.portalLinks.createMagicLink({ body, requestOptions: options }));
  }
}
