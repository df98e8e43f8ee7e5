// Checkout links (SPEC §2 bundle `checkoutLinks` = checkout:create): a storefront backend key that
// can create checkout links and nothing else — it cannot read checkouts, refund, or manage keys.
//
// The storefront creates a checkout for the operator's site and sends the customer to its
// `paymentUrl`: the gateway's hosted payment page (with the built-in test provider, Pay / Decline /
// Cancel). After paying, the customer lands on `returnUrl` with `{transactionId}` filled in.
import { PaymentGateway, PermissionDeniedError, SCOPE_BUNDLES, type CreatedCheckout } from '@payment-gateway/sdk';
import { connect, describeKey, runIfMain, storefrontSite, whoamiKey, type ExampleEnv, type KeyIdentity, type Log } from './shared.js';

export interface CheckoutLinkKeyResult {
  keyId: string;
  /** Returned so tests can prove the clean-up; the example never prints it. */
  token: string;
  whoami: KeyIdentity;
  siteId: string;
  checkout: CreatedCheckout;
  /** The key's attempt to read the checkout back was refused (it holds checkout:create only). */
  readRefused: boolean;
}

export async function main(env: ExampleEnv, log: Log = console.log): Promise<CheckoutLinkKeyResult> {
  const { admin, baseUrl } = connect(env);
  const site = await storefrontSite(admin);
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

    // The SDK sends an Idempotency-Key and reuses it if it retries, so a flaky network never
    // creates two checkouts; pass your order id as the key to be safe across restarts too.
    const orderId = `order-${Date.now()}`;
    const checkout = await storefront.checkouts.create(
      site.id,
      {
        amount: 4900 + 500,
        currency: 'EUR',
        email: env.CUSTOMER_EMAIL ?? 'ada@example.com',
        externalReference: orderId,
        returnUrl: 'https://storefront.example.com/thanks?transaction={transactionId}',
        cancelUrl: 'https://storefront.example.com/cart',
        items: [
          { name: 'Analytical Engine manual', quantity: 1, unitPrice: 4900, itemType: 'goods', vatRate: 21 },
          { name: 'Shipping', quantity: 1, unitPrice: 500, itemType: 'shipping' },
        ],
      },
      { idempotencyKey: orderId },
    );
    log(`checkout ${checkout.id} created; send the customer to ${checkout.paymentUrl}`);

    // Least privilege: the same key cannot read checkouts back.
    const readRefused = await storefront.checkouts.get(checkout.id).then(
      () => false,
      (error: unknown) => error instanceof PermissionDeniedError,
    );
    log(`reading the checkout back with this key: ${readRefused ? 'refused (403), as intended' : 'allowed?!'}`);
    return { keyId: key.id, token: key.token, whoami: me, siteId: site.id, checkout, readRefused };
  } finally {
    await admin.apiKeys.revoke(key.id, { reason: 'example finished' });
    log(`revoked ${key.id}`);
  }
}

runIfMain(import.meta, main);
