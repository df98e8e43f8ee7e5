import { CLIENT_IMPORT_COLUMNS, CSV_COLUMNS, contract, type DataEntityType } from '@payment-gateway/contract';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import express, { type IRouter, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { DataIoServices } from '../../services.js';
import { organizationOf as orgOf, originOf } from '../request-context.js';
import type { EndpointOptions } from './endpoints.js';
import { verifyJsonText } from '../request-guards.js';

const s = initServer();

/** The import routes: their JSON bodies may be larger than BODY_LIMIT (see importBodyParser). */
export const IMPORT_PATHS = ['/api/v1/data-import-export/import', '/api/v1/data-import-export/import/validate'];

/**
 * JSON parser for the import routes, mounted before the global one: the CSV text may be up to
 * IMPORT_MAX_BYTES, and JSON escaping can make it up to twice as long (quotes, newlines), so the
 * body may be 2 × that (+ 1 KiB). Larger bodies: 413 PAYLOAD_TOO_LARGE; a CSV over
 * IMPORT_MAX_BYTES in a body that fits: 413 IMPORT_TOO_LARGE.
 */
export function importBodyParser(importMaxBytes: number): RequestHandler {
  return express.json({ limit: importMaxBytes * 2 + 1024, strict: true, verify: verifyJsonText });
}

/** The header row a template answers: the import columns for clients, the export columns otherwise. */
function templateOf(entity: DataEntityType): string {
  const columns: readonly string[] = entity === 'clients' ? CLIENT_IMPORT_COLUMNS : CSV_COLUMNS[entity];
  return `${columns.join(',')}\r\n`;
}

/** SPEC §5: streamed exports, CSV templates and the clients import of the calling organization. */
export function registerDataIoRoutes(app: IRouter, d: DataIoServices, options: EndpointOptions, logger: Logger): void {
  const router = s.router(contract.api.dataIo, {
    export: async ({ body, req, res }) => {
      const opened = await d.exports.open(orgOf(req), body, originOf(req));
      res.setHeader('content-type', opened.contentType);
      res.setHeader('content-disposition', `attachment; filename="${opened.filename}"`);
      res.setHeader('cache-control', 'no-store');
      // A client that goes away stops the export (and its database paging) at once.
      res.on('close', () => {
        if (!res.writableFinished) opened.stream.destroy();
      });
      // After the first byte the status is sent: abort the connection so a truncated export never looks complete.
      opened.stream.on('error', (err) => {
        logger.warn({ err: err.message, requestId: req.requestId }, 'export aborted');
        res.destroy();
      });
      // ts-rest pipes a stream body into the response (backpressure: the database is read as the client reads).
      return { status: 200, body: opened.stream as unknown as string };
    },
    template: async ({ params, res }) => {
      res.setHeader('content-disposition', `attachment; filename="${params.entityType}-template.csv"`);
      return { status: 200, body: templateOf(params.entityType) };
    },
    validateImport: async ({ body, req }) => ({ status: 200, body: await d.imports.validate(orgOf(req), body.csv) }),
    import: async ({ body, req }) => ({ status: 201, body: await d.imports.import(orgOf(req), body.csv, originOf(req)) }),
  });
  createExpressEndpoints(contract.api.dataIo, router, app, options);
}
