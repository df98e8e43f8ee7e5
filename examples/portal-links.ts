// Customer-portal direct-login links (SPEC §2 bundle `portalLinks` = portal:create, SPEC §6):
// your app puts a "view your invoices" button in its UI and mints a single-use link on click.
// `portal:create` alone is enough — deliberately not organization:execute.
//
// A link is only minted for an email with something to show (an issued invoice or an active
// schedule); the operator makes sure one exists first.
import { PaymentGateway, SCOPE_BUNDLES, type Invoice, type MagicLink } from '@payment-gateway/sdk';
import { customerFrom, findOrCreateClient } from './billing-bridge.js';
import { connect, describeKey, runIfMain, type ExampleEnv, type Log } from './shared.js';

export interface PortalLinksResult {
  keyId: string;
  /** Returned so tests can prove the clean-up; the example never prints it. */
  token: string;
  scopes: string[];
  invoice: Invoice;
  requestedTtlMinutes: number;
  link: MagicLink;
}

/** An issued (portal-visible) invoice for the customer: an existing one, or a new one issued now. */
async function ensureIssuedInvoice(admin: PaymentGateway, env: ExampleEnv): Promise<Invoice> {
  const { client } = await findOrCreateClient(admin, customerFrom(env));
  const issued = (await admin.invoices.list({ clientId: client.id, status: 'issued', limit: 1 })).items[0];
  if (issued) return issued;
  const draft = await admin.invoices.create({
    clientId: client.id,
    currency: 'EUR',
    lines: [{ description: 'Pro plan, monthly', quantity: 1, unitAmount: 4900 }],
  });
  return admin.invoices.issue(draft.id);
}

export async function main(env: ExampleEnv, log: Log = console.log): Promise<PortalLinksResult> {
  const { admin, baseUrl } = connect(env);
  const invoice = await ensureIssuedInvoice(admin, env);
  log(`issued invoice ${invoice.number ?? invoice.id} is visible in the portal`);
  const key = await admin.apiKeys.create({ name: 'portal links', scopes: [...SCOPE_BUNDLES.portalLinks] });
  log(`created ${describeKey(key)}`);
  try {
    const gw = new PaymentGateway({ apiKey: key.token, baseUrl });
    // Ask for an hour: the server caps it at the system's magicLinkTtlMinutes and says what it used.
    const requestedTtlMinutes = Number(env.PORTAL_LINK_TTL_MINUTES ?? 60);
    const link = await gw.portal.createMagicLink({ email: customerFrom(env).email, ttlMinutes: requestedTtlMinutes });
    // The link opens the server's own portal page (/portal/login; its base is PUBLIC_BASE_URL).
    log(`direct-login link (single use, valid ${link.ttlMinutes} min, until ${link.expiresAt}); open it in a browser:\n  ${link.url}`);
    return { keyId: key.id, token: key.token, scopes: key.scopes, invoice, requestedTtlMinutes, link };
  } finally {
    await admin.apiKeys.revoke(key.id, { reason: 'example finished' });
    log(`revoked ${key.id}`);
  }
}

runIfMain(import.meta, main);
