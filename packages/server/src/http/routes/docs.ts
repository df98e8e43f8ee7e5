import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { API_PREFIX } from '@payment-gateway/contract';
import express, { type Express } from 'express';
import { keepCacheable } from '../security-headers.js';

const require = createRequire(import.meta.url);

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Payment Gateway Admin API reference</title>
<link rel="stylesheet" href="${API_PREFIX}/docs/assets/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="${API_PREFIX}/docs/assets/swagger-ui-bundle.js"></script>
<script src="${API_PREFIX}/docs/init.js"></script>
</body>
</html>`;

// A separate file, so the page works under the strict Content-Security-Policy (script-src 'self').
const INIT = `window.ui = SwaggerUIBundle({ url: '${API_PREFIX}/openapi.json', dom_id: '#reference', deepLinking: true, persistAuthorization: false });`;

/**
 * SPEC §9: the OpenAPI document generated from the contract at /api/v1/openapi.json and an
 * interactive reference at /api/v1/docs, both served from local files (no CDN).
 */
export function registerDocsRoutes(app: Express): void {
  const document = readFileSync(require.resolve('@payment-gateway/openapi/openapi.json'), 'utf8');
  const assets = dirname(require.resolve('swagger-ui-dist/package.json'));
  app.get(`${API_PREFIX}/openapi.json`, (_req, res) => {
    res.type('application/json').setHeader('Cache-Control', 'public, max-age=300');
    res.send(document);
  });
  app.get(`${API_PREFIX}/docs`, (_req, res) => {
    res.type('html').send(PAGE);
  });
  app.get(`${API_PREFIX}/docs/init.js`, (_req, res) => {
    res.type('application/javascript').send(INIT);
  });
  app.use(`${API_PREFIX}/docs/assets`, express.static(assets, { index: false, redirect: false, maxAge: '1h', setHeaders: keepCacheable }));
}
