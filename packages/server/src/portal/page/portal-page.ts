import type { Express, Request, Response } from 'express';
import { PORTAL_CSS, PORTAL_HTML, PORTAL_JS } from './portal-assets.js';

/** Where the server serves the customer portal's sign-in page (SPEC §12). */
export const PORTAL_LOGIN_PATH = '/portal/login';

/**
 * Serves the customer portal page: `/portal/login` (HTML), `/portal/assets/portal.js` and
 * `/portal/assets/portal.css`. The assets are strings in a TS module, so dist and the bundled CLI
 * serve the same page with no file lookup. No inline script or style: it runs under helmet's CSP.
 * The page redeems `#token=…` with POST /api/v1/portal/auth/magic-link and keeps the portal
 * session token in sessionStorage only (SPEC §6, §12).
 */
export function registerPortalPage(app: Express): void {
  const send = (type: string, body: string) => (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-cache');
    // The page URL may carry a token in its fragment; never leak the page URL to other origins.
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.type(type).send(body);
  };
  app.get(PORTAL_LOGIN_PATH, send('html', PORTAL_HTML));
  app.get('/portal/assets/portal.js', send('application/javascript', PORTAL_JS));
  app.get('/portal/assets/portal.css', send('css', PORTAL_CSS));
}
