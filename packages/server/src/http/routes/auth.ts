import { contract, type Whoami } from '@payment-gateway/contract';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import type { IRouter } from 'express';
import type { IssuedSession, SessionService } from '../../sessions/session-service.js';
import type { UserService } from '../../users/user-service.js';
import { refuseCrossSite } from '../cross-site.js';
import { AppError } from '../../errors/app-error.js';
import { authOf, clientOf, originOf, sessionOf } from '../request-context.js';
import { clearRefreshCookie, readRefreshCookie, readSelectedOrganization, setRefreshCookie } from '../session-cookies.js';
import type { EndpointOptions } from './endpoints.js';
import { whoamiForKey } from './whoami.js';

const s = initServer();

export interface AuthRouteDeps {
  sessions: SessionService;
  users: UserService;
}

const tokenBody = (issued: IssuedSession) => ({ token: issued.token, expiresAt: issued.expiresAt, user: issued.user });

/** SPEC §4.4: sign-in, refresh, sign-out, session check and whoami for every credential. */
export function registerAuthRoutes(app: IRouter, d: AuthRouteDeps, options: EndpointOptions): void {
  const router = s.router(contract.api.auth, {
    // Sign-in sets the refresh cookie (login CSRF), refresh is authenticated by it, sign-out clears it.
    login: {
      middleware: [refuseCrossSite],
      handler: async ({ body, req, res }) => {
        const issued = await d.sessions.login(body, clientOf(req));
        setRefreshCookie(req, res, issued.refreshToken, issued.refreshExpiresAt);
        return { status: 200, body: tokenBody(issued) };
      },
    },
    refreshToken: {
      middleware: [refuseCrossSite],
      handler: async ({ req, res }) => {
        try {
          const issued = await d.sessions.refresh(readRefreshCookie(req), clientOf(req));
          setRefreshCookie(req, res, issued.refreshToken, issued.refreshExpiresAt);
          return { status: 200, body: tokenBody(issued) };
        } catch (err) {
          if (err instanceof AppError && err.code === 'REFRESH_TOKEN_INVALID') clearRefreshCookie(req, res);
          throw err;
        }
      },
    },
    logout: {
      middleware: [refuseCrossSite],
      handler: async ({ req, res }) => {
        await d.sessions.logout(sessionOf(req).sessionId, originOf(req));
        clearRefreshCookie(req, res);
        return { status: 204, body: undefined };
      },
    },
    loginCheck: async ({ req }) => {
      const principal = sessionOf(req);
      const user = await d.users.get(principal.userId);
      return { status: 200, body: { authenticated: true as const, user, expiresAt: principal.expiresAt.toISOString() } };
    },
    whoami: async ({ req }) => {
      const auth = authOf(req);
      const forKey = whoamiForKey(auth);
      if (forKey) return { status: 200, body: forKey };
      const p = auth.principal;
      if (p.kind !== 'session') throw new AppError('CREDENTIAL_NOT_ACCEPTED');
      const user = await d.users.get(p.userId);
      const selected = readSelectedOrganization(req);
      const body: Whoami = {
        type: 'session',
        user,
        memberships: user.memberships,
        globalAdmin: user.globalAdmin,
        // Only an organization the session may act in counts as selected.
        selectedOrganizationId: selected && (p.globalAdmin || p.memberships.has(selected)) ? selected : null,
        expiresAt: p.expiresAt.toISOString(),
      };
      return { status: 200, body };
    },
  });
  createExpressEndpoints(contract.api.auth, router, app, options);
}
