import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { keepCacheable } from './security-headers.js';

const require = createRequire(import.meta.url);

/** Where the server mounts the Admin panel (SPEC §11). */
export const ADMIN_PATH = '/admin';

/**
 * The built panel's directory: `@payment-gateway/admin`'s `dist`, resolved through the package's
 * exports from this package's node_modules (so both dist/index.js and the bundled CLI find it),
 * or null when the panel is not installed or not built.
 */
export function locateAdminPanel(): string | null {
  try {
    const index = require.resolve('@payment-gateway/admin/dist/index.html');
    return existsSync(index) ? dirname(index) : null;
  } catch {
    return null;
  }
}

/**
 * Serves the Admin panel at /admin from its build output: hashed assets under /admin/assets
 * (cached for a year), and index.html for /admin and every client-side route under it (SPA
 * fallback, never cached). The page is script-src 'self' clean: it runs under helmet's CSP.
 * Without a built panel, /admin is the ordinary 404 error body.
 */
export function registerAdminPanel(app: Express, dir: string | null = locateAdminPanel()): void {
  if (!dir) return;
  const index = join(dir, 'index.html');
  app.use(
    `${ADMIN_PATH}/assets`,
    // redirect: false: `/admin/assets` (a directory) is the 404 error body, not an HTML redirect page.
    express.static(join(dir, 'assets'), {
      index: false,
      redirect: false,
      immutable: true,
      maxAge: '365d',
      fallthrough: true,
      setHeaders: keepCacheable,
    }),
  );
  app.get([ADMIN_PATH, `${ADMIN_PATH}/{*route}`], (req: Request, res: Response, next: NextFunction) => {
    // A missing asset is a 404, not the app: only page routes fall back to index.html.
    if (req.path === `${ADMIN_PATH}/assets` || req.path.startsWith(`${ADMIN_PATH}/assets/`)) {
      next();
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index, (err) => {
      if (err) next(err);
    });
  });
}
