import type { PortalSessionService } from '../portal/portal-session-service.js';
import { PORTAL_SESSION_PREFIX } from '../portal/portal-tokens.js';
import type { CredentialAuthenticator } from './authenticator.js';
import type { Principal } from '../access/principal.js';

/** Customer-portal session tokens (`pst_…`); authorize() accepts them on portal routes only. */
export class PortalSessionAuthenticator implements CredentialAuthenticator {
  constructor(private readonly sessions: PortalSessionService) {}

  claims(token: string): boolean {
    return token.startsWith(PORTAL_SESSION_PREFIX);
  }

  authenticate(token: string): Promise<Principal> {
    return this.sessions.authenticate(token);
  }
}
