import type { SystemSettings } from '@payment-gateway/contract';
import { AppError } from '../errors/app-error.js';
import { ipAllowed } from '../keys/key-policy.js';
import type { KeyVerifier } from '../keys/key-verifier.js';
import type { RotationDueNotifier } from '../keys/rotation-notifier.js';
import { keyRotationStatus } from '../keys/rotation-policy.js';
import type { CredentialAuthenticator, CredentialRequest } from './authenticator.js';
import type { Principal } from '../access/principal.js';

/** The key-age policy check (issue 17); without it no key is ever due. */
export interface KeyRotationCheck {
  /** The current key policy (the settings cache, refreshed on the change feed). */
  policy: () => Promise<SystemSettings['keyPolicy']>;
  /** Records the `api_key.rotation_due` audit event once per secret. */
  notifier: RotationDueNotifier;
  /** The services' clock. */
  now: () => Date;
}

/** API keys (`sk_…`), both tiers: verify, then status/expiry, then key age, then the IP allowlist. */
export class KeyAuthenticator implements CredentialAuthenticator {
  constructor(
    private readonly verifier: KeyVerifier,
    private readonly rotation?: KeyRotationCheck,
  ) {}

  claims(token: string): boolean {
    return token.startsWith('sk_');
  }

  /**
   * @throws AppError INVALID_CREDENTIALS, API_KEY_REVOKED, API_KEY_EXPIRED (401);
   *   API_KEY_ROTATION_REQUIRED (401) when the secret is past maxKeyAgeDays + rotationGraceDays
   *   with enforceMaxKeyAge; IP_NOT_ALLOWED (403).
   */
  async authenticate(token: string, req: CredentialRequest): Promise<Principal> {
    const result = await this.verifier.verify(token);
    if (!result.ok) {
      if (result.reason === 'revoked') throw new AppError('API_KEY_REVOKED');
      if (result.reason === 'expired') throw new AppError('API_KEY_EXPIRED');
      throw new AppError('INVALID_CREDENTIALS');
    }
    const { key } = result;
    const rotation = this.rotation ? keyRotationStatus(key, await this.rotation.policy(), this.rotation.now()) : null;
    if (rotation?.due) void this.rotation!.notifier.notify(key, rotation.dueAt, req.ip);
    if (rotation?.refused) {
      throw new AppError('API_KEY_ROTATION_REQUIRED', undefined, { rotationDueAt: rotation.dueAt, refusedFrom: rotation.refusedFrom! });
    }
    if (key.ipAllowlist && !ipAllowed(key.ipAllowlist, req.ip)) throw new AppError('IP_NOT_ALLOWED');
    const extra = rotation ? { rotation } : {};
    return key.tier === 'system'
      ? { kind: 'systemKey', key, ...extra }
      : { kind: 'organizationKey', key, organizationId: key.organizationId!, ...extra };
  }
}
