// The SDK's dataExport and system.recurring against the real reference server (SQLite): the
// export streams (ReadableStream, async iteration, text), typed import results and errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/harness.js';
import { ConflictError, PaymentGateway, PermissionDeniedError, UnprocessableEntityError } from '../src/index.js';

let server: TestServer;
let gw: PaymentGateway;
let system: PaymentGateway;

beforeAll(async () => {
  server = await startTestServer();
  const orgId = await server.createOrganization('SDK data');
  const { token } = await server.createOrgKey(orgId, ['data_io:execute', 'data_io:read', 'client:read']);
  gw = new PaymentGateway({ apiKey: token, baseUrl: server.url, maxRetries: 0 });
  system = new PaymentGateway({ apiKey: (await server.createSystemKey(['system:execute', 'system:read'])).token, baseUrl: server.url });
});
afterAll(async () => server?.close());

describe('dataExport', () => {
  it('imports a clients CSV (validate first), then streams it back as CSV and JSON', async () => {
    const template = await gw.dataExport.template('clients');
    expect(template).toBe('email,name,externalId\r\n');
    const csv = `${template}ada@example.com,Ada,crm-1\r\nbob@example.com,=Bob,crm-2\r\n`;
    const check = await gw.dataExport.validateImport({ csv });
    expect(check).toMatchObject({ dryRun: true, validRows: 2, invalidRows: 0 });
    const imported = await gw.dataExport.import({ csv });
    expect(imported.created).toBe(2);

    const download = await gw.dataExport.export({ entityType: 'clients', format: 'csv' });
    expect(download.contentType).toBe('text/csv; charset=utf-8');
    expect(download.filename).toMatch(/^clients-.*\.csv$/);
    let text = '';
    for await (const chunk of download) text += chunk;
    expect(text.split('\r\n')[0]).toBe('id,email,name,externalId,createdAt,updatedAt');
    expect(text).toContain(",'=Bob,crm-2,");

    const stream = (await gw.dataExport.export({ entityType: 'clients', format: 'json' })).body;
    expect(stream).toBeInstanceOf(ReadableStream);
    const json = JSON.parse(await new Response(stream).text()) as { name: string }[];
    expect(json.map((c) => c.name).sort()).toEqual(['=Bob', 'Ada']);
    expect(await (await gw.dataExport.export({ entityType: 'invoices', format: 'json' })).json()).toEqual([]);
    expect(await gw.dataExport.exportText({ entityType: 'transactions', format: 'csv' })).toMatch(/^id,status,source,amount,/);
  });

  it('throws typed errors: invalid rows (422 with details), missing scope (403)', async () => {
    const error = await gw.dataExport.import({ csv: 'email,name\nnope,X\n' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as UnprocessableEntityError).code).toBe('IMPORT_ROWS_INVALID');
    expect((error as UnprocessableEntityError).details).toMatchObject({ invalidRows: 1, rows: [{ row: 1, line: 2 }] });
    const denied = await system.dataExport.export({ entityType: 'clients', format: 'csv' }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermissionDeniedError);
  });
});

describe('system.recurring', () => {
  it('processes and reports status; a concurrent run is a ConflictError', async () => {
    const runs = await Promise.allSettled([system.system.recurring.process(), system.system.recurring.process()]);
    const ok = runs.filter((r) => r.status === 'fulfilled');
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of runs) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
    const status = await system.system.recurring.status();
    expect(status).toMatchObject({ intervalMs: 0, running: false, lastRun: { trigger: 'api' } });
  });
});
