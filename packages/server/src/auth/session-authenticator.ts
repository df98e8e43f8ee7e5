import { AppError } from '../errors/app-error.js';
import { looksLikeJwt, type AccessTokens } from '../sessions/access-tokens.js';
import type { SessionService } from '../sessions/session-service.js';
import type { UserService } from '../users/user-service.js';
import type { CredentialAuthenticator } from './authenticator.js';
import type { Principal } from '../access/principal.js';

/** What a SessionAuthenticator is built from. */
export interface SessionAuthenticatorDeps {
  tokens: AccessTokens;
  sessions: SessionService;
  users: UserService;
  /** @default () => new Date() */
  now?: () => Date;
}

/**
 * Dashboard access tokens (JWTs): signature and expiry, then the session row (so sign-out
 * and refresh-token reuse end the token at once), then the user's memberships. Both lookups
 * are cached for at most a few seconds and evicted by the change feed.
 */
export class SessionAuthenticator implements CredentialAuthenticator {
  private readonly tokens: AccessTokens;
  private readonly sessions: SessionService;
  private readonly users: UserService;
  private readonly now: () => Date;

  constructor(deps: SessionAuthenticatorDeps) {
    this.tokens = deps.tokens;
    this.sessions = deps.sessions;
    this.users = deps.users;
    this.now = deps.now ?? (() => new Date());
  }

  claims(token: string): boolean {
    return looksLikeJwt(token);
  }

  async authenticate(token: string): Promise<Principal> {
    const claims = await this.tokens.verify(token);
    const state = await this.sessions.state(claims.sessionId);
    if (!state || state.userId !== claims.userId) throw new AppError('INVALID_CREDENTIALS');
    if (!state.active || state.expiresAt <= this.now().toISOString()) throw new AppError('SESSION_EXPIRED');
    const user = await this.users.identity(claims.userId);
    if (!user) throw new AppError('SESSION_EXPIRED');
    return {
      kind: 'session',
      userId: user.id,
      sessionId: claims.sessionId,
      email: user.email,
      globalAdmin: user.globalAdmin,
      memberships: user.memberships,
      expiresAt: claims.expiresAt,
    };
  }
}
