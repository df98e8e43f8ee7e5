// Billing bridge auto-provisioning (SPEC §2 bundle `billingBridge` = client:read, client:create,
// invoice:read, invoice:create): your CRM/ERP finds or creates the customer, then drafts an
// invoice. The key can neither issue invoices nor touch keys, schedules or the portal.
import { ConflictError, PaymentGateway, SCOPE_BUNDLES, type Client, type Invoice } from '@payment-gateway/sdk';
import { connect, describeKey, runIfMain, type ExampleEnv, type Log } from './shared.js';

export interface Customer {
  email: string;
  name: string;
  /** Your system's id for the customer: the stable key to find them again. */
  externalId: string;
}

/** The customer from CUSTOMER_EMAIL / CUSTOMER_NAME / CUSTOMER_EXTERNAL_ID, or a demo one. */
export function customerFrom(env: ExampleEnv): Customer {
  return {
    email: env.CUSTOMER_EMAIL ?? 'ada@example.com',
    name: env.CUSTOMER_NAME ?? 'Ada Lovelace',
    externalId: env.CUSTOMER_EXTERNAL_ID ?? 'crm-42',
  };
}

/**
 * Finds the client by your external id (then by email), or creates it. Safe to run from many
 * workers at once: if another one created it first (409), read theirs.
 */
export async function findOrCreateClient(gw: PaymentGateway, customer: Customer): Promise<{ client: Client; created: boolean }> {
  const find = async () =>
    (await gw.clients.list({ externalId: customer.externalId, limit: 1 })).items[0] ??
    (await gw.clients.list({ email: customer.email, limit: 1 })).items[0];
  const existing = await find();
  if (existing) return { client: existing, created: false };
  try {
    return { client: await gw.clients.create(customer), created: true };
  } catch (error) {
    const raced = error instanceof ConflictError ? await find() : undefined;
    if (raced) return { client: raced, created: false };
    throw error;
  }
}

export interface BillingBridgeResult {
  keyId: string;
  /** Returned so tests can prove the clean-up; the example never prints it. */
  token: string;
  scopes: string[];
  client: Client;
  clientCreated: boolean;
  invoice: Invoice;
}

export async function main(env: ExampleEnv, log: Log = console.log): Promise<BillingBridgeResult> {
  const { admin, baseUrl } = connect(env);
  const key = await admin.apiKeys.create({ name: 'billing bridge', scopes: [...SCOPE_BUNDLES.billingBridge] });
  log(`created ${describeKey(key)}`);
  try {
    const bridge = new PaymentGateway({ apiKey: key.token, baseUrl });
    const { client, created } = await findOrCreateClient(bridge, customerFrom(env));
    log(`${created ? 'created' : 'found'} client ${client.id} <${client.email}> (external id ${client.externalId})`);
    const invoice = await bridge.invoices.create({
      clientId: client.id,
      currency: 'EUR',
      lines: [
        { description: 'Pro plan, monthly', quantity: 1, unitAmount: 4900 },
        { description: 'Extra seats', quantity: 3, unitAmount: 900 },
      ],
    });
    log(`drafted invoice ${invoice.id}: ${invoice.status}, ${(invoice.totalAmount / 100).toFixed(2)} ${invoice.currency}`);
    return { keyId: key.id, token: key.token, scopes: key.scopes, client, clientCreated: created, invoice };
  } finally {
    await admin.apiKeys.revoke(key.id, { reason: 'example finished' });
    log(`revoked ${key.id}`);
  }
}

runIfMain(import.meta, main);
