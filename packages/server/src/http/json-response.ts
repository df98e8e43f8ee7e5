import type { Express, Response } from 'express';

/**
 * Gives `app` a `res.json` that writes what Express's writes (`Content-Type: application/json;
 * charset=utf-8`, `Content-Length`, the JSON text; no body for HEAD) without Express's generic
 * steps on the way: setting lookups, content-type parsing and re-formatting, the freshness check.
 * Anything those steps would change falls back to Express's own `res.json`: a status without a
 * body (204, 205, 304), a Content-Type or Transfer-Encoding already set, a conditional request,
 * JSON settings (`json replacer`, `json spaces`, `json escape`) or ETags enabled on the app,
 * or a value JSON.stringify gives no text for.
 */
export function installJsonResponse(app: Express): void {
  const expressJson = app.response.json;
  app.response.json = function json(this: Response, value: unknown): Response {
    const req = this.req;
    const status = this.statusCode;
    // What app.get(name) answers, read directly (the settings object inherits from the parent app's).
    const settings = this.app.settings as Record<string, unknown>;
    if (
      status === 204 ||
      status === 205 ||
      status === 304 ||
      this.getHeader('content-type') !== undefined ||
      this.getHeader('transfer-encoding') !== undefined ||
      req.headers['if-none-match'] !== undefined ||
      req.headers['if-modified-since'] !== undefined ||
      settings['json replacer'] !== undefined ||
      settings['json spaces'] !== undefined ||
      settings['json escape'] ||
      typeof settings['etag fn'] === 'function'
    )
      return expressJson.call(this, value);
    const body = JSON.stringify(value) as string | undefined;
    if (body === undefined) return expressJson.call(this, value);
    this.setHeader('Content-Type', 'application/json; charset=utf-8');
    this.setHeader('Content-Length', String(Buffer.byteLength(body)));
    if (req.method === 'HEAD') this.end();
    else this.end(body, 'utf8');
    return this;
  };
}
