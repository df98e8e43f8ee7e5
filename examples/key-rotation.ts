// Zero-downtime key rotation. The integration's client takes its key from a function, called
// before every request, so swapping the secret needs no restart. Rotation keeps the key id,
// scopes and history; the previous secret keeps working for a grace period so that instances
// which have not picked up the new one yet do not fail, then dies.
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthenticationError, PaymentGateway, SCOPE_BUNDLES } from '@payment-gateway/sdk';
import { connect, describeKey, runIfMain, whoamiKey, type ExampleEnv, type Log } from './shared.js';

export interface KeyRotationResult {
  keyId: string;
  /** Returned so tests can prove the clean-up; the example never prints them. */
  oldToken: string;
  newToken: string;
  gracePeriodSeconds: number;
  previousSecretExpiresAt: string | null;
  /** Whether the old secret worked during the grace period, and the 401 code it got after. */
  oldSecretWorkedInGrace: boolean;
  oldSecretAfterGrace: string;
  /** How many requests the function-valued client sent, all successful. */
  liveClientRequests: number;
}

export interface KeyRotationOptions {
  /**
   * How the example waits for the grace period to end.
   * @default node:timers/promises setTimeout (real time); tests pass one that moves their server's clock
   */
  sleep?: (ms: number) => Promise<unknown>;
}

export async function main(env: ExampleEnv, log: Log = console.log, options: KeyRotationOptions = {}): Promise<KeyRotationResult> {
  const wait = options.sleep ?? sleep;
  const { admin, baseUrl } = connect(env);
  // Short for the demo; in production a day (the default) lets every instance reload its secret.
  const gracePeriodSeconds = Number(env.ROTATION_GRACE_SECONDS ?? 3);
  const key = await admin.apiKeys.create({ name: 'rotation demo', scopes: [...SCOPE_BUNDLES.billingBridge] });
  log(`created ${describeKey(key)}`);
  try {
    // Stands in for your secret manager: the live client reads it on every request.
    const secretStore = { current: key.token };
    let liveClientRequests = 0;
    const live = new PaymentGateway({
      baseUrl,
      apiKey: () => {
        liveClientRequests++;
        return secretStore.current;
      },
    });
    // An instance that has not reloaded yet still holds the old token.
    const stale = new PaymentGateway({ apiKey: key.token, baseUrl, maxRetries: 0 });
    await whoamiKey(live);

    const rotated = await admin.apiKeys.rotate(key.id, { gracePeriodSeconds });
    log(`rotated ${key.id}: new secret ${rotated.prefix}…; the old one works until ${rotated.previousSecretExpiresAt}`);
    const oldSecretWorkedInGrace = (await whoamiKey(stale)).keyId === key.id;
    log(`during the grace period the old secret still works: ${oldSecretWorkedInGrace}`);

    secretStore.current = rotated.token; // store the new token; the live client uses it from its next request
    await whoamiKey(live);
    log('the live client now sends the new secret, without a restart');

    await wait(gracePeriodSeconds * 1000 + 250);
    let oldSecretAfterGrace = 'still accepted';
    try {
      await stale.whoami();
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      oldSecretAfterGrace = error.code;
    }
    log(`after the grace period the old secret is refused: ${oldSecretAfterGrace}`);
    await whoamiKey(live);
    return {
      keyId: key.id,
      oldToken: key.token,
      newToken: rotated.token,
      gracePeriodSeconds,
      previousSecretExpiresAt: rotated.previousSecretExpiresAt,
      oldSecretWorkedInGrace,
      oldSecretAfterGrace,
      liveClientRequests,
    };
  } finally {
    await admin.apiKeys.revoke(key.id, { reason: 'example finished' });
    log(`revoked ${key.id}`);
  }
}

runIfMain(import.meta, main);
