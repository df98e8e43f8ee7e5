// Recurring schedule management (SPEC §2 bundle `recurringSchedules` = invoice:read,
// invoice:create, invoice:execute). Schedules belong to the invoice scope family: there is no
// `recurring:*` scope. The key cannot create clients, so the operator provides one (in a real
// integration it comes from your billing bridge).
import { PaymentGateway, SCOPE_BUNDLES, type RecurringSchedule } from '@payment-gateway/sdk';
import { customerFrom, findOrCreateClient } from './billing-bridge.js';
import { connect, describeKey, runIfMain, type ExampleEnv, type Log } from './shared.js';

export interface RecurringSchedulesResult {
  keyId: string;
  /** Returned so tests can prove the clean-up; the example never prints it. */
  token: string;
  scopes: string[];
  /** The schedule after each step: created, paused, resumed, cancelled. */
  steps: RecurringSchedule[];
}

export async function main(env: ExampleEnv, log: Log = console.log): Promise<RecurringSchedulesResult> {
  const { admin, baseUrl } = connect(env);
  const { client } = await findOrCreateClient(admin, customerFrom(env));
  const key = await admin.apiKeys.create({ name: 'subscriptions', scopes: [...SCOPE_BUNDLES.recurringSchedules] });
  log(`created ${describeKey(key)}`);
  try {
    const gw = new PaymentGateway({ apiKey: key.token, baseUrl });
    const today = new Date().toISOString().slice(0, 10);
    const steps: RecurringSchedule[] = [];
    const created = await gw.recurringSchedules.create({
      clientId: client.id,
      interval: 'monthly',
      currency: 'EUR',
      startDate: today,
      lines: [{ description: 'Subscription', quantity: 1, unitAmount: 1900 }],
    });
    steps.push(created);
    log(`schedule ${created.id} for ${client.email}: ${created.status}, next run ${created.nextRunDate}`);
    for (const action of ['pause', 'resume', 'cancel'] as const) {
      const next = await gw.recurringSchedules[action](created.id);
      steps.push(next);
      log(`${action} → ${next.status}${next.nextRunDate ? `, next run ${next.nextRunDate}` : ''}`);
    }
    return { keyId: key.id, token: key.token, scopes: key.scopes, steps };
  } finally {
    await admin.apiKeys.revoke(key.id, { reason: 'example finished' });
    log(`revoked ${key.id}`);
  }
}

runIfMain(import.meta, main);
