// Revoke on leak. A token was pasted into a public issue: revoke the key at once (irreversible,
// effective on every server instance), then confirm the leaked token is refused everywhere.
// Then issue the integration a fresh key — a new key id, not a rotation, since the old id is
// now public too.
import { AuthenticationError, PaymentGateway, SCOPE_BUNDLES, type ApiKey } from '@payment-gateway/sdk';
import { connect, describeKey, runIfMain, whoamiKey, type ExampleEnv, type Log } from './shared.js';

export interface Probe {
  call: string;
  status: number;
  code: string;
}

export interface RevokeOnLeakResult {
  leakedKeyId: string;
  /** Returned so tests can prove the revocation; the example never prints it. */
  leakedToken: string;
  /** What the leaked token got on each route after the revoke. */
  probes: Probe[];
  revoked: ApiKey;
  replacementKeyId: string;
}

export async function main(env: ExampleEnv, log: Log = console.log): Promise<RevokeOnLeakResult> {
  const { admin, baseUrl } = connect(env);
  const leaked = await admin.apiKeys.create({ name: 'billing bridge (leaked)', scopes: [...SCOPE_BUNDLES.billingBridge] });
  log(`created ${describeKey(leaked)}`);
  let replacementKeyId: string | undefined;
  try {
    const attacker = new PaymentGateway({ apiKey: leaked.token, baseUrl, maxRetries: 0 });
    await whoamiKey(attacker); // works: until it is revoked, a leaked token is as good as yours

    const revoked = await admin.apiKeys.revoke(leaked.id, { reason: 'token leaked in a public issue' });
    log(`revoked ${revoked.id} at ${revoked.revokedAt}: ${revoked.revokedReason}`);

    const calls: Record<string, () => Promise<unknown>> = {
      'GET /auth/whoami': () => attacker.whoami(),
      'GET /clients': () => attacker.clients.list(),
      'POST /clients': () => attacker.clients.create({ email: 'mallory@example.com', name: 'Mallory' }),
      'GET /invoices': () => attacker.invoices.list(),
    };
    const probes: Probe[] = [];
    for (const [call, send] of Object.entries(calls)) {
      try {
        await send();
        probes.push({ call, status: 200, code: 'ACCEPTED' });
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        probes.push({ call, status: error.status, code: error.code });
      }
    }
    for (const p of probes) log(`leaked token on ${p.call}: ${p.status} ${p.code}`);

    const replacement = await admin.apiKeys.create({ name: 'billing bridge', scopes: leaked.scopes });
    replacementKeyId = replacement.id;
    log(`issued the replacement ${describeKey(replacement)}; deploy its token, then this example revokes it too`);
    return { leakedKeyId: leaked.id, leakedToken: leaked.token, probes, revoked, replacementKeyId };
  } finally {
    // Revoking a revoked key is a no-op, so clean-up is the same whether or not we got that far.
    await admin.apiKeys.revoke(leaked.id, { reason: 'token leaked in a public issue' });
    if (replacementKeyId) await admin.apiKeys.revoke(replacementKeyId, { reason: 'example finished' });
    log('cleaned up');
  }
}

runIfMain(import.meta, main);
