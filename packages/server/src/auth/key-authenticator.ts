import { AppError } from '../errors/app-error.js';
import { ipAllowed } from '../keys/key-policy.js';
import type { KeyVerifier } from '../keys/key-verifier.js';
import type { CredentialAuthenticator, CredentialRequest } from './authenticator.js';
import type { Principal } from '../access/principal.js';

/** API keys (`sk_…`), both tiers: verify, then status/expiry, then the IP allowlist. */
export class KeyAuthenticator implements CredentialAuthenticator {
  constructor(private readonly verifier: KeyVerifier) {}

  claims(token: string): boolean {
    return token.startsWith('sk_');
  }

  async authenticate(token: string, req: CredentialRequest): Promise<Principal> {
    const result = await this.verifier.verify(token);
    if (!result.ok) {
      if (result.reason === 'revoked') throw new AppError('API_KEY_REVOKED');
      if (result.reason === 'expired') throw new AppError('API_KEY_EXPIRED');
      throw new AppError('INVALID_CREDENTIALS');
    }
    const { key } = result;
    if (key.ipAllowlist && !ipAllowed(key.ipAllowlist, req.ip)) throw new AppError('IP_NOT_ALLOWED');
    return key.tier === 'system' ? { kind: 'systemKey', key } : { kind: 'organizationKey', key, organizationId: key.organizationId! };
  }
}
