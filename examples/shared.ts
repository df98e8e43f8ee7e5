// What every example shares: reading the environment, the operator's client, running as a script.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PaymentGateway, PaymentGatewayError, type Scope, type Whoami } from '@payment-gateway/sdk';

/**
 * The scopes of the operator key the examples expect in `GATEWAY_API_KEY`: key management plus
 * every scope the examples hand out or need for set-up data (a key can only grant what it holds).
 * examples/README.md shows the CLI command that creates it; a test keeps the two in step.
 */
export const OPERATOR_SCOPES = [
  'api_key:*',
  'checkout:create',
  'client:read',
  'client:create',
  'invoice:read',
  'invoice:create',
  'invoice:execute',
  'portal:create',
  'site:read',
  'site:create',
  'transaction:create',
  'transaction:read',
  'transaction:execute',
  'data_io:execute',
] as const satisfies readonly Scope[];

/** The environment an example reads (`process.env` when run as a script). */
export type ExampleEnv = Record<string, string | undefined>;

/** Where an example writes what it does (`console.log` when run as a script). */
export type Log = (line: string) => void;

export interface Operator {
  /** The gateway origin, from `GATEWAY_URL`. */
  baseUrl: string;
  /**
   * A client over the operator's key (`GATEWAY_API_KEY`): an organization key with `api_key:*`
   * plus the scopes it hands out, created once with the CLI's `key:create`. Examples use it only
   * to create, rotate and revoke narrower keys (and for set-up data the narrow key may not touch).
   */
  admin: PaymentGateway;
}

/** The environment is missing something the example needs. */
export class ExampleSetupError extends Error {
  override name = 'ExampleSetupError';
}

/** Reads `GATEWAY_URL` and `GATEWAY_API_KEY`, with an error that says what to do when one is missing. */
export function connect(env: ExampleEnv): Operator {
  const baseUrl = env.GATEWAY_URL ?? 'http://127.0.0.1:3000';
  const apiKey = env.GATEWAY_API_KEY;
  if (!apiKey) {
    throw new ExampleSetupError(
      'Set GATEWAY_API_KEY to an operator key (see examples/README.md: `payment-gateway key:create --scopes api_key:*,…`).',
    );
  }
  return { baseUrl, admin: new PaymentGateway({ apiKey, baseUrl }) };
}

/** What whoami says about an API key (the other variant describes a dashboard session). */
export type KeyIdentity = Extract<Whoami, { type: 'api_key' }>;

/** whoami for a client built on an API key. */
export async function whoamiKey(gw: PaymentGateway): Promise<KeyIdentity> {
  const me = await gw.whoami();
  if (me.type !== 'api_key') throw new Error('expected an API key credential');
  return me;
}

/** Prints a key without its token: the token is a secret and is never logged. */
export function describeKey(key: { id: string; name: string; scopes: readonly string[] }): string {
  return `${key.name} (${key.id}) with scopes ${key.scopes.join(', ')}`;
}

/** Runs `main(process.env)` when the file is executed directly (`tsx <file>.ts`), not when imported. */
export function runIfMain(meta: ImportMeta, main: (env: ExampleEnv, log: Log) => Promise<unknown>): void {
  const entry = process.argv[1];
  if (!entry || pathToFileURL(resolve(entry)).href !== meta.url) return;
  main(process.env, console.log).catch((error: unknown) => {
    // SDK messages carry status, code and request id, never the key: one line says it all.
    const known = error instanceof PaymentGatewayError || error instanceof ExampleSetupError;
    console.error(known ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  });
}

/**
 * The operator's storefront site (found by name, created once): checkouts are taken for a site.
 * Set-up data the narrow checkout key may not create itself.
 */
export async function storefrontSite(admin: PaymentGateway, name = 'Storefront'): Promise<{ id: string; name: string }> {
  for await (const site of admin.sites.iterate()) if (site.name === name) return site;
  return admin.sites.create({ name, url: 'https://storefront.example.com', defaultCurrency: 'EUR' });
}
