import { serialize } from 'cookie';
import type { Request, Response } from 'express';
import { cookiesOf, SELECTED_ORGANIZATION_COOKIE } from './request-context.js';

/** The refresh-token cookie: HttpOnly, SameSite=Strict, only sent to /api/v1/auth, Secure over TLS. */
export const REFRESH_COOKIE = 'gw_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/auth';

function readCookie(req: Request, name: string): string | undefined {
  return cookiesOf(req)[name];
}

export function readRefreshCookie(req: Request): string | undefined {
  return readCookie(req, REFRESH_COOKIE);
}

export function readSelectedOrganization(req: Request): string | undefined {
  return readCookie(req, SELECTED_ORGANIZATION_COOKIE);
}

export function setRefreshCookie(req: Request, res: Response, token: string, expiresAt: Date): void {
  res.append(
    'Set-Cookie',
    serialize(REFRESH_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: REFRESH_COOKIE_PATH,
      expires: expiresAt,
    }),
  );
}

export function clearRefreshCookie(req: Request, res: Response): void {
  res.append(
    'Set-Cookie',
    serialize(REFRESH_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: req.secure, path: REFRESH_COOKIE_PATH, maxAge: 0 }),
  );
}
