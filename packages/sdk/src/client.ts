import { checkApiKeyFormat, type ApiKeyFormatProblem } from './api-key.js';
import { PaymentGatewayConfigError } from './errors.js';
import { assertServerRuntime } from './internal/browser-runtime.js';
import { createApiClient, unwrap, type ResourceContext } from './internal/api-client.js';
import { OrganizationContext } from './internal/organization-context.js';
import { createTransport } from './internal/transport.js';
import { resolveOptions, type ApiKeySource, type PaymentGatewayOptions, type RequestOptions } from './options.js';
import { ApiKeys } from './resources/api-keys.js';
import { Clients } from './resources/clients.js';
import { DataExport } from './resources/data-export.js';
import { Invoices } from './resources/invoices.js';
import { Checkouts } from './resources/checkouts.js';
import { CreditNotes } from './resources/credit-notes.js';
import { Sites } from './resources/sites.js';
import { Transactions } from './resources/transactions.js';
import { OrganizationResource } from './resources/organization.js';
import { Portal } from './resources/portal.js';
import { RecurringSchedules } from './resources/recurring-schedules.js';
import { SystemApiKeys } from './resources/system-api-keys.js';
import { SystemResource } from './resources/system.js';
import type { Whoami } from './types.js';

const PROBLEMS: Record<ApiKeyFormatProblem, string> = {
  not_a_string: 'it is not a string',
  surrounding_whitespace: 'it has leading or trailing whitespace (a newline read from a file or an environment variable?); trim it',
  malformed: 'it does not look like sk_<22-char key id>.<49-char secret>',
  bad_checksum: 'its checksum does not match (truncated or mistyped?)',
};

/** Checks a key offline; the message never echoes the key. */
function validateKey(key: unknown, where: string): string {
  const result = checkApiKeyFormat(key);
  if (result.ok) return key as string;
  throw new PaymentGatewayConfigError('INVALID_API_KEY', `The API key ${where} is invalid: ${PROBLEMS[result.problem]}.`);
}

/**
 * The payment gateway Admin API client. Holds the API key privately, never sends
 * `X-Organization-ID`, retries idempotent calls, and throws typed errors. Server-side only: it
 * refuses to construct in a browser page, a browser web worker or a React Native app unless
 * `dangerouslyAllowBrowser` is `true`.
 *
 * @example
 * const gw = new PaymentGateway({ apiKey: process.env.PAYMENT_GATEWAY_API_KEY!, baseUrl: 'https://pay.example.com' });
 * const { url } = await gw.portal.createMagicLink({ email: 'ada@example.com' });
 */
export class PaymentGateway {
  /** The gateway origin requests go to. */
  readonly baseUrl: string;
  /** The calling organization's API keys (or any organization's, with a system key). */
  readonly apiKeys: ApiKeys;
  /** System API keys (global-admin sessions only on the server). */
  readonly systemApiKeys: SystemApiKeys;
  /** Customer-portal magic links. */
  readonly portal: Portal;
  /** System administration: organizations, users, settings, health, audit events. */
  readonly system: SystemResource;
  /** The calling organization's settings and audit events. */
  readonly organization: OrganizationResource;
  /** Billing clients. */
  readonly clients: Clients;
  /** Invoices. */
  readonly invoices: Invoices;
  /** Recurring invoice schedules. */
  readonly recurringSchedules: RecurringSchedules;
  /** Merchant sites. */
  readonly sites: Sites;
  /** Checkouts and their payment links (creation is idempotent, see RequestOptions.idempotencyKey). */
  readonly checkouts: Checkouts;
  /** Transactions and refunds. */
  readonly transactions: Transactions;
  /** Credit notes created by refunds. */
  readonly creditNotes: CreditNotes;
  /** Streamed exports, CSV templates and the clients import. */
  readonly dataExport: DataExport;

  readonly #apiKey: ApiKeySource;
  readonly #ctx: ResourceContext;

  /**
   * @throws PaymentGatewayConfigError `BROWSER_NOT_ALLOWED` in a browser-like runtime without
   *   `dangerouslyAllowBrowser: true`; `INVALID_API_KEY` for a missing or malformed string key;
   *   `INVALID_OPTION`, `ORGANIZATION_HEADER_NOT_ALLOWED`, `AUTHORIZATION_HEADER_NOT_ALLOWED` for bad options.
   */
  constructor(options: PaymentGatewayOptions) {
    if (!options || typeof options !== 'object') {
      throw new PaymentGatewayConfigError('INVALID_OPTION', 'new PaymentGateway() needs an options object with an apiKey.');
    }
    // Before the key is looked at: in a browser the key itself is the problem, valid or not.
    assertServerRuntime(options.dangerouslyAllowBrowser);
    const { apiKey } = options;
    if (apiKey === undefined || apiKey === null || apiKey === '') {
      throw new PaymentGatewayConfigError('INVALID_API_KEY', 'The apiKey option is required (a key sk_… or a function that returns one).');
    }
    this.#apiKey = typeof apiKey === 'function' ? apiKey : validateKey(apiKey, 'in the apiKey option');
    const resolved = resolveOptions(options);
    this.baseUrl = resolved.baseUrl;

    const transport = createTransport({ ...resolved, authorization: async () => `Bearer ${await this.#currentKey()}` });
    const api = createApiClient(resolved.baseUrl, transport);
    this.#ctx = { api, organization: new OrganizationContext((o) => this.whoami(o)) };
    this.apiKeys = new ApiKeys(this.#ctx);
    this.systemApiKeys = new SystemApiKeys(this.#ctx);
    this.portal = new Portal(this.#ctx);
    this.system = new SystemResource(this.#ctx);
    this.organization = new OrganizationResource(this.#ctx);
    this.clients = new Clients(this.#ctx);
    this.invoices = new Invoices(this.#ctx);
    this.recurringSchedules = new RecurringSchedules(this.#ctx);
    this.sites = new Sites(this.#ctx);
    this.checkouts = new Checkouts(this.#ctx);
    this.transactions = new Transactions(this.#ctx);
    this.creditNotes = new CreditNotes(this.#ctx);
    this.dataExport = new DataExport(this.#ctx);
  }

  async #currentKey(): Promise<string> {
    const source = this.#apiKey;
    if (typeof source === 'string') return source;
    let key: unknown;
    try {
      key = await source();
    } catch (error) {
      throw new PaymentGatewayConfigError('INVALID_API_KEY', 'The apiKey function threw; no request was sent.', { cause: error });
    }
    return validateKey(key, 'returned by the apiKey function');
  }

  /** The calling key: its id, tier, organization, scopes and expiry. */
  whoami(options: RequestOptions = {}): Promise<Whoami> {
    return unwrap(this.#ctx.api.auth.whoami({ requestOptions: options }));
  }

  /** Serialises without the key. */
  toJSON(): { baseUrl: string; apiKey: '[REDACTED]' } {
    return { baseUrl: this.baseUrl, apiKey: '[REDACTED]' };
  }

  /** `util.inspect` / `console.log` view, without the key. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `PaymentGateway { baseUrl: '${this.baseUrl}', apiKey: '[REDACTED]' }`;
  }
}
