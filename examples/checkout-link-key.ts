// Checkout links (SPEC §2 bundle `checkoutLinks` = checkout:create): a storefront backend key that
// can create checkout links and nothing else — it cannot read checkouts, refund, or manage keys.
//
// The checkout routes themselves (`POST /api/v1/checkouts/{siteId}/create` → { paymentUrl, … })
// belong to a later slice of the API; until they land, this example provisions the key, proves
// what it is with whoami, and revokes it. The call it will make is shown below, commented out.
import { PaymentGateway, SCOPE_BUNDLES } from '@payment-gateway/sdk';
import { connect, describeKey, runIfMain, whoamiKey, type ExampleEnv, type KeyIdentity, type Log } from './shared.js';

export interface CheckoutLinkKeyResult {
  keyId: string;
  /** Returned so tests can prove the clean-up; the example never prints it. */
  token: string;
  whoami: KeyIdentity;
}

export async function main(env: ExampleEnv, log: Log = console.log): Promise<CheckoutLinkKeyResult> {
  const { admin, baseUrl } = connect(env);
  const key = await admin.apiKeys.create({
    name: 'storefront checkout links',
    description: 'Creates checkout links from the storefront backend',
    scopes: [...SCOPE_BUNDLES.checkoutLinks],
  });
  log(`created ${describeKey(key)}; store its token in the storefront's secret manager`);
  try {
    const storefront = new PaymentGateway({ apiKey: key.token, baseUrl });
    const me = await whoamiKey(storefront);
    log(`the storefront key is ${me.keyId} in ${me.organizationId}, scopes: ${me.scopes.join(', ')}`);
    // When the checkout slice ships:
    //   const { paymentUrl } = await storefront.checkouts.create(siteId, { amount: 4900, currency: 'EUR' });
    return { keyId: key.id, token: key.token, whoami: me };
  } finally {
    await admin.apiKeys.revoke(key.id, { reason: 'example finished' });
    log(`revoked ${key.id}`);
  }
}

runIfMain(import.meta, main);
