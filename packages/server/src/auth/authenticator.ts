import type { Principal } from '../access/principal.js';

/** What an authenticator may look at besides the token. */
export interface CredentialRequest {
  ip: string;
}

/**
 * One kind of bearer credential (API key, dashboard session, portal session). The middleware
 * asks each in turn whether a token looks like theirs, then lets that one prove it.
 */
export interface CredentialAuthenticator {
  /** Cheap shape check (prefix, segments); no I/O. */
  claims(token: string): boolean;
  /** Proves the token or throws AppError (INVALID_CREDENTIALS unless the secret was proven). */
  authenticate(token: string, req: CredentialRequest): Promise<Principal>;
}
