import type { Whoami } from '@payment-gateway/contract';
import { PaymentGatewayConfigError } from '../errors.js';
import type { RequestOptions } from '../options.js';

/**
 * The calling key's organization, asked of `whoami` once and cached for the client's lifetime
 * (a failed lookup is not cached, so the next call asks again).
 */
export class OrganizationContext {
  readonly #whoami: (options?: RequestOptions) => Promise<Whoami>;
  #pending: Promise<string> | undefined;

  constructor(whoami: (options?: RequestOptions) => Promise<Whoami>) {
    this.#whoami = whoami;
  }

  /** `explicit` when given, otherwise the calling key's own organization. */
  resolve(explicit: string | undefined, options?: RequestOptions): Promise<string> {
    if (explicit !== undefined) return Promise.resolve(explicit);
    this.#pending ??= this.#lookup(options).catch((error: unknown) => {
      this.#pending = undefined;
      throw error;
    });
    return this.#pending;
  }

  async #lookup(options?: RequestOptions): Promise<string> {
    const me = await this.#whoami(options);
    if (me.type === 'api_key' && me.organizationId) return me.organizationId;
    throw new PaymentGatewayConfigError(
      'ORGANIZATION_UNKNOWN',
      'This credential has no organization of its own (a system key): pass { organizationId } to choose one.',
    );
  }
}
