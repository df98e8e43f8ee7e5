import { randomBase62 } from '../util/base62.js';

/** What a provider is asked to charge: one checkout's amount (SPEC §12). */
export interface PaymentRequest {
  organizationId: string;
  checkoutId: string;
  /** Integer minor units. */
  amount: number;
  /** ISO 4217. */
  currency: string;
  email: string;
}

/** A provider's answer: captured (with its own reference), or declined with a reason to show. */
export type PaymentOutcome = { status: 'succeeded'; providerReference: string } | { status: 'declined'; reason: string };

/**
 * The one interface a payment provider implements (SPEC §12). The hosted page calls `charge`
 * with the fields the customer submitted; a real provider reads its own (e.g. a card token from
 * its hosted fields) and talks to its API. It is called while the checkout is held, so it is
 * called at most once per successful payment of a checkout.
 */
export interface PaymentProvider {
  /** Stored on the transaction as `provider`, e.g. `test`. */
  readonly name: string;
  /** @throws whatever the provider's transport throws (the page shows a generic failure). */
  charge(request: PaymentRequest, submitted: Readonly<Record<string, string>>): Promise<PaymentOutcome>;
}

/**
 * The built-in test provider (SPEC §12): no money moves. The page's "Pay" submits
 * `decision=pay` (succeeds), "Decline" submits `decision=decline` (declined).
 */
export const testProvider: PaymentProvider = {
  name: 'test',
  async charge(_request, submitted) {
    if (submitted.decision === 'pay') return { status: 'succeeded', providerReference: `test_${randomBase62(16)}` };
    return { status: 'declined', reason: 'The test card was declined.' };
  },
};
