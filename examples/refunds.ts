// Refunds (`transaction:read` + `transaction:execute`): a support tool's key that can look up
// transactions and refund them, fully or partly, and nothing else. Each refund creates a credit
// note; refunds never add up to more than was captured (409 REFUND_EXCEEDS_CAPTURED).
import { ConflictError, PaymentGateway, type Refund, type Scope, type Transaction } from '@payment-gateway/sdk';
import { connect, describeKey, runIfMain, type ExampleEnv, type Log } from './shared.js';

/** What the support tool's key holds. */
export const REFUND_SCOPES = ['transaction:read', 'transaction:execute'] as const satisfies readonly Scope[];

export interface RefundsResult {
  keyId: string;
  /** Returned so tests can prove the clean-up; the example never prints it. */
  token: string;
  transaction: Transaction;
  partial: Refund;
  rest: Refund;
  /** The code of the refused third refund (nothing left to refund). */
  refusedCode: string | undefined;
}

export async function main(env: ExampleEnv, log: Log = console.log): Promise<RefundsResult> {
  const { admin, baseUrl } = connect(env);
  // Set-up data: a payment to refund (in production it comes from a paid checkout).
  const paid = await admin.transactions.createManual({ amount: 12_000, currency: 'EUR', description: 'Order 1906 (example)' });
  log(`transaction ${paid.id}: ${paid.amount} minor units ${paid.currency}, ${paid.status}`);

  const key = await admin.apiKeys.create({
    name: 'support refunds',
    description: 'Refunds from the support tool',
    scopes: [...REFUND_SCOPES],
  });
  log(`created ${describeKey(key)}`);
  try {
    const support = new PaymentGateway({ apiKey: key.token, baseUrl });
    const transaction = await support.transactions.get(paid.id);
    // Partial refund, then the rest (no amount = everything not yet refunded). The SDK sends an
    // Idempotency-Key and reuses it on retries, so a retried refund never refunds twice.
    const partial = await support.transactions.refund(transaction.id, { amount: 2_000, reason: 'Damaged box' });
    log(`refunded ${partial.creditNote.amount} (credit note ${partial.creditNote.number}); status ${partial.transaction.status}`);
    const rest = await support.transactions.refund(transaction.id, { reason: 'Order cancelled' });
    log(`refunded ${rest.creditNote.amount} (credit note ${rest.creditNote.number}); status ${rest.transaction.status}`);
    const refusedCode = await support.transactions.refund(transaction.id, { amount: 1 }).then(
      () => undefined,
      (error: unknown) => (error instanceof ConflictError ? error.code : undefined),
    );
    log(`a third refund is refused: ${refusedCode}`);
    return { keyId: key.id, token: key.token, transaction, partial, rest, refusedCode };
  } finally {
    await admin.apiKeys.revoke(key.id, { reason: 'example finished' });
    log(`revoked ${key.id}`);
  }
}

runIfMain(import.meta, main);
