// SPEC §5 data import/export (issue 13): streamed exports contain only the caller's organization,
// CSV is RFC 4180 and injection-safe, JSON is the API shapes; templates; clients import validates
// without writing and imports all or nothing; bounded upload size and row count.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Transaction } from '@payment-gateway/contract';
import { expectError } from './auth-matrix.js';
import { auditActions, createBillingOrg, manualClock, type BillingOrg } from './billing-fixtures.js';
import { checkoutBody, createCommerceOrg, pressOnPage, type CommerceOrg } from './commerce-fixtures.js';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';

const EXPORT = '/api/v1/data-import-export/export';
const IMPORT = '/api/v1/data-import-export/import';
const VALIDATE = '/api/v1/data-import-export/import/validate';

/** Every hostile cell an export must neutralise (OWASP CSV injection) or quote (RFC 4180). */
const HOSTILE_NAMES = [
  '=HYPERLINK("http://evil.example","click")',
  '+SUM(1,2)',
  '-2+3',
  '@cmd',
  '\tTabbed',
  '\rCarriage',
  'Comma, Inc.',
  'He said "hi"',
  'Two\nlines',
  '＝fullwidth',
  "'=already quoted",
];

async function exportRaw(server: TestServer, token: string, body: unknown) {
  const res = await fetch(`${server.url}${EXPORT}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const TX_HEADER =
  'id,status,source,amount,refundedAmount,currency,clientId,siteId,checkoutId,provider,providerReference,description,externalReference,createdAt,updatedAt';

const csvRecords = (text: string) => parse(text, { columns: true, bom: true }) as Record<string, string>[];

describe.each(DIALECTS)('data import and export (%s)', (dialect) => {
  const clock = manualClock(new Date('2030-03-01T09:00:00.000Z'));
  let server: TestServer;
  let acme: BillingOrg;
  let globex: BillingOrg;
  let acmeIo: string;
  let globexIo: string;
  let readOnly: string;

  beforeAll(async () => {
    server = await startTestServer({ dialect, now: clock.now });
    acme = await createBillingOrg(server, 'Acme');
    globex = await createBillingOrg(server, 'Globex');
    acmeIo = (await server.createOrgKey(acme.organizationId, ['data_io:execute', 'data_io:read'])).token;
    globexIo = (await server.createOrgKey(globex.organizationId, ['data_io:execute'])).token;
    readOnly = (await server.createOrgKey(acme.organizationId, ['data_io:read'])).token;
  });
  afterAll(async () => server?.close());

  describe('export', () => {
    let acmeClients: string[];
    let acmeInvoice: string;
    let globexClient: string;

    beforeAll(async () => {
      acmeClients = [];
      for (const [i, name] of HOSTILE_NAMES.entries()) {
        const id = await acme.createClient(`c${i}@acme.example`, { name: `Client ${i}`, externalId: i === 0 ? '=1+1' : `ext-${i}` });
        // Stored as given (the API trims names, so a leading tab or CR can only come from elsewhere).
        await server.gateway.database.db.updateTable('clients').set({ name }).where('id', '=', id).execute();
        acmeClients.push(id);
        clock.advanceMinutes(1);
      }
      acmeInvoice = await acme.createInvoice(acmeClients[0]!);
      await acme.issueInvoice(acmeInvoice);
      globexClient = await globex.createClient('other@globex.example', { name: 'Globex only' });
      await globex.createInvoice(globexClient);
      clock.advanceMinutes(1);
    });

    it("streams only the caller's organization: CSV and JSON, clients and invoices", async () => {
      for (const [token, mine, theirs] of [
        [acmeIo, acmeClients, [globexClient]],
        [globexIo, [globexClient], acmeClients],
      ] as const) {
        const csv = await exportRaw(server, token, { entityType: 'clients', format: 'csv' });
        expect(csv.status).toBe(200);
        const ids = csvRecords(csv.text).map((r) => r.id);
        expect(ids).toEqual([...mine]);
        for (const id of theirs) expect(csv.text).not.toContain(id);

        const json = await exportRaw(server, token, { entityType: 'clients', format: 'json' });
        expect(json.status).toBe(200);
        expect(json.headers.get('content-type')).toMatch(/^application\/json/);
        expect((JSON.parse(json.text) as { id: string }[]).map((c) => c.id)).toEqual([...mine]);
      }
      const invoices = JSON.parse((await exportRaw(server, acmeIo, { entityType: 'invoices', format: 'json' })).text) as { id: string }[];
      expect(invoices.map((i) => i.id)).toEqual([acmeInvoice]);
      const globexInvoices = csvRecords((await exportRaw(server, globexIo, { entityType: 'invoices', format: 'csv' })).text);
      expect(globexInvoices).toHaveLength(1);
      expect(globexInvoices[0]!.clientId).toBe(globexClient);
    });

    it('writes RFC 4180 CSV with formula cells escaped (OWASP) and every value intact otherwise', async () => {
      const res = await exportRaw(server, acmeIo, { entityType: 'clients', format: 'csv' });
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="clients-\d{8}T\d{6}Z\.csv"$/);
      expect(res.headers.get('x-request-id')).toBeTruthy();
      const lines = res.text.split('\r\n');
      expect(lines[0]).toBe('id,email,name,externalId,createdAt,updatedAt');
      const names = csvRecords(res.text).map((r) => r.name);
      expect(names).toEqual([
        `'=HYPERLINK("http://evil.example","click")`,
        "'+SUM(1,2)",
        "'-2+3",
        "'@cmd",
        "'\tTabbed",
        "'\rCarriage",
        'Comma, Inc.',
        'He said "hi"',
        'Two\nlines',
        "'＝fullwidth",
        "''=already quoted", // one more ' so the import gives back the stored "'=already quoted"
      ]);
      expect(csvRecords(res.text)[0]!.externalId).toBe("'=1+1");
      // Quoting as RFC 4180 writes it: embedded quotes doubled, separators and line breaks inside quotes.
      expect(res.text).toContain('"He said ""hi"""');
      expect(res.text).toContain('"Comma, Inc."');
      expect(res.text).toContain('"Two\nlines"');
      expect(res.text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
      // No cell of the file starts with a formula character.
      const cells = (parse(res.text, { bom: true }) as string[][]).flat();
      expect(cells.filter((c) => /^[=+\-@\t\r＝＋－＠]/.test(c))).toEqual([]);
    });

    it('JSON export is the API shapes, unescaped', async () => {
      const json = JSON.parse((await exportRaw(server, acmeIo, { entityType: 'clients', format: 'json' })).text) as {
        id: string;
        name: string;
      }[];
      expect(json.map((c) => c.name)).toEqual(HOSTILE_NAMES);
      const one = await server.request('GET', `/api/v1/clients/${json[0]!.id}`, { token: acme.token });
      expect(json[0]).toEqual(one.body);
    });

    it('filters by [from, to) on createdAt', async () => {
      const all = JSON.parse((await exportRaw(server, acmeIo, { entityType: 'clients', format: 'json' })).text) as {
        createdAt: string;
      }[];
      const from = all[2]!.createdAt;
      const to = all[5]!.createdAt;
      const some = JSON.parse((await exportRaw(server, acmeIo, { entityType: 'clients', format: 'json', from, to })).text) as unknown[];
      expect(some).toEqual(all.slice(2, 5));
      const bad = await server.request('POST', EXPORT, {
        token: acmeIo,
        body: { entityType: 'clients', format: 'csv', from: to, to: from },
      });
      expectError(bad, 400, 'VALIDATION_FAILED');
    });

    it('an empty set is a header row (CSV) or [] (JSON)', async () => {
      const past = { from: '2001-01-01T00:00:00.000Z', to: '2001-01-02T00:00:00.000Z' };
      expect((await exportRaw(server, acmeIo, { entityType: 'clients', format: 'csv', ...past })).text).toBe(
        'id,email,name,externalId,createdAt,updatedAt\r\n',
      );
      expect((await exportRaw(server, acmeIo, { entityType: 'invoices', format: 'json', ...past })).text).toBe('[]');
      const tx = await exportRaw(server, acmeIo, { entityType: 'transactions', format: 'csv' });
      expect(tx.status).toBe(200);
      expect(tx.text).toBe(`${TX_HEADER}\r\n`);
    });

    it('refuses bad bodies with the one error body, and needs data_io:execute', async () => {
      for (const body of [
        {},
        { entityType: 'users', format: 'csv' },
        { entityType: 'clients', format: 'xlsx' },
        { entityType: 'clients' },
      ]) {
        expectError(await server.request('POST', EXPORT, { token: acmeIo, body }), 400, 'VALIDATION_FAILED', JSON.stringify(body));
      }
      const denied = await server.request('POST', EXPORT, { token: readOnly, body: { entityType: 'clients', format: 'csv' } });
      expect(expectError(denied, 403, 'INSUFFICIENT_SCOPE').details).toEqual({ requiredScope: 'data_io:execute' });
    });

    it('records an audit event per export', async () => {
      const events = (await auditActions(server, acme.organizationId)).filter((e) => e.action === 'data_io.exported');
      expect(events.length).toBeGreaterThan(0);
      expect(JSON.parse(events[0]!.metadata)).toMatchObject({ entityType: 'clients', format: 'csv' });
    });
  });

  describe('templates', () => {
    it('answers the CSV header of each entity (the import columns for clients)', async () => {
      for (const [entity, header] of [
        ['clients', 'email,name,externalId'],
        ['invoices', 'id,number,status,clientId,currency,totalAmount,dueDate,recurringScheduleId,issuedAt,createdAt'],
        ['transactions', TX_HEADER],
      ]) {
        const res = await fetch(`${server.url}/api/v1/data-import-export/template/${entity}`, {
          headers: { authorization: `Bearer ${readOnly}` },
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
        expect(await res.text()).toBe(`${header}\r\n`);
      }
      expectError(await server.request('GET', '/api/v1/data-import-export/template/users', { token: readOnly }), 400, 'VALIDATION_FAILED');
    });
  });

  describe('import', () => {
    let org: BillingOrg;
    let io: string;
    const count = async () => (await server.request('GET', '/api/v1/clients?limit=1', { token: org.token })).body.total as number;

    beforeAll(async () => {
      org = await createBillingOrg(server, 'Importer');
      io = (await server.createOrgKey(org.organizationId, ['data_io:execute'])).token;
      await org.createClient('taken@example.com', { externalId: 'crm-taken' });
    });

    const mixed = [
      'email,name,externalId',
      'ada@example.com,Ada,crm-1',
      'not-an-email,Bad,crm-2',
      'bob@example.com,,crm-3',
      'carl@example.com,Carl,crm-1',
      'dora@example.com,Dora,crm-taken',
      '"Eve@Example.com ","Eve, ""the"" one",',
    ].join('\r\n');

    it('validate answers per-row results and writes nothing', async () => {
      const before = await count();
      const res = await server.request('POST', VALIDATE, { token: io, body: { csv: mixed } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ dryRun: true, totalRows: 6, validRows: 2, invalidRows: 4, created: 0 });
      const byRow = Object.fromEntries(
        (res.body.rows as { row: number; status: string; errors: { field: string; message: string }[] }[]).map((r) => [r.row, r]),
      );
      expect(byRow[1]).toMatchObject({ status: 'valid', line: 2, errors: [] });
      expect(byRow[2]!.errors.map((e) => e.field)).toEqual(['email']);
      expect(byRow[3]!.errors.map((e) => e.field)).toEqual(['name']);
      expect(byRow[4]!.errors).toEqual([{ field: 'externalId', message: 'duplicates row 1 of this file' }]);
      expect(byRow[5]!.errors[0]!.message).toMatch(/already exists/);
      expect(byRow[6]).toMatchObject({ status: 'valid', line: 7 });
      expect(await count()).toBe(before);
    });

    it('import is all or nothing: one bad row and nothing is written (422 with every invalid row)', async () => {
      const before = await count();
      const res = await server.request('POST', IMPORT, { token: io, body: { csv: mixed } });
      const body = expectError(res, 422, 'IMPORT_ROWS_INVALID');
      expect(body.details).toMatchObject({ totalRows: 6, invalidRows: 4 });
      expect((body.details!.rows as { row: number }[]).map((r) => r.row)).toEqual([2, 3, 4, 5]);
      expect(await count()).toBe(before);
      expect((await auditActions(server, org.organizationId)).some((e) => e.action === 'data_io.clients_imported')).toBe(false);
    });

    it('imports every valid row in one go, with the same rules as POST /clients', async () => {
      const before = await count();
      const csv =
        '\uFEFFEmail,NAME,externalId\nAda@Example.com , Ada ,crm-a\nbob@example.com,"Bob, Builder",\n\nzed@example.com,Zed,crm-z\n';
      const res = await server.request('POST', IMPORT, { token: io, body: { csv } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ dryRun: false, totalRows: 3, validRows: 3, invalidRows: 0, created: 3 });
      expect(res.body.rows.map((r: { line: number }) => r.line)).toEqual([2, 3, 5]);
      expect(await count()).toBe(before + 3);
      const ada = await server.request('GET', '/api/v1/clients?externalId=crm-a', { token: org.token });
      expect(ada.body.items[0]).toMatchObject({ email: 'ada@example.com', name: 'Ada', id: res.body.rows[0].clientId });
      const again = await server.request('POST', IMPORT, { token: io, body: { csv } });
      expectError(again, 422, 'IMPORT_ROWS_INVALID');
      expect(await count()).toBe(before + 3);
      // A name is one line, as in POST /clients: a quoted cell with a line break is an invalid row.
      const multiLine = await server.request('POST', IMPORT, { token: io, body: { csv: 'email,name\nnl@example.com,"Bob\nBuilder"\n' } });
      expectError(multiLine, 422, 'IMPORT_ROWS_INVALID');
      expect(await count()).toBe(before + 3);
      const audit = (await auditActions(server, org.organizationId)).filter((e) => e.action === 'data_io.clients_imported');
      expect(audit.map((e) => JSON.parse(e.metadata))).toEqual([{ created: 3 }]);
    });

    it('an export imports back (formula escapes undone) into another organization, and pages past 500 records', async () => {
      const source = await createBillingOrg(server, 'Source');
      const sourceIo = (await server.createOrgKey(source.organizationId, ['data_io:execute'])).token;
      const rows = ['email,name,externalId'];
      for (let i = 0; i < 1203; i++) rows.push(`u${i}@example.com,${i % 7 === 0 ? `=cmd${i}` : `User ${i}`},src-${i}`);
      const seeded = await server.request('POST', IMPORT, { token: sourceIo, body: { csv: rows.join('\n') } });
      expect(seeded.status, JSON.stringify(seeded.body).slice(0, 300)).toBe(201);
      const exported = await exportRaw(server, sourceIo, { entityType: 'clients', format: 'csv' });
      const records = csvRecords(exported.text);
      expect(records).toHaveLength(1203);
      expect(new Set(records.map((r) => r.id)).size).toBe(1203);
      expect(records.find((r) => r.externalId === 'src-7')!.name).toBe("'=cmd7");

      const target = await createBillingOrg(server, 'Target');
      const targetIo = (await server.createOrgKey(target.organizationId, ['data_io:execute'])).token;
      const imported = await server.request('POST', IMPORT, { token: targetIo, body: { csv: exported.text } });
      expect(imported.status).toBe(201);
      expect(imported.body.created).toBe(1203);
      const back = JSON.parse((await exportRaw(server, targetIo, { entityType: 'clients', format: 'json' })).text) as {
        name: string;
        externalId: string;
        organizationId: string;
      }[];
      expect(back.find((c) => c.externalId === 'src-7')!.name).toBe('=cmd7');
      expect(back.every((c) => c.organizationId === target.organizationId)).toBe(true);
    });

    it('refuses malformed CSV and bad headers with VALIDATION_FAILED', async () => {
      for (const csv of [
        'email,name\n"unclosed,Ada\n',
        'email,name\na@example.com,Ada,extra\n',
        'name,externalId\nAda,x\n',
        'email,name,password\na@example.com,Ada,x\n',
        'email,name,email\na@example.com,Ada,b@example.com\n',
        '\n\n',
      ]) {
        const res = await server.request('POST', VALIDATE, { token: io, body: { csv } });
        expect(expectError(res, 400, 'VALIDATION_FAILED', csv).details!.issues).toEqual([
          { path: 'body.csv', message: expect.any(String) },
        ]);
      }
      expectError(await server.request('POST', IMPORT, { token: io, body: { csv: '' } }), 400, 'VALIDATION_FAILED');
      expectError(await server.request('POST', IMPORT, { token: io, body: { csv: 1 } }), 400, 'VALIDATION_FAILED');
    });
  });
});

describe.each(DIALECTS)('import limits (%s)', (dialect) => {
  let server: TestServer;
  let io: string;
  let org: BillingOrg;

  beforeAll(async () => {
    server = await startTestServer({ dialect, env: { IMPORT_MAX_BYTES: '2048', IMPORT_MAX_ROWS: '5' } });
    org = await createBillingOrg(server, 'Limits');
    io = (await server.createOrgKey(org.organizationId, ['data_io:execute'])).token;
  });
  afterAll(async () => server?.close());

  const csvOf = (n: number) => ['email,name', ...Array.from({ length: n }, (_, i) => `p${i}@example.com,P${i}`)].join('\n');

  it('accepts up to IMPORT_MAX_ROWS rows and refuses more with 413 IMPORT_TOO_MANY_ROWS, writing nothing', async () => {
    expect((await server.request('POST', VALIDATE, { token: io, body: { csv: csvOf(5) } })).status).toBe(200);
    for (const path of [VALIDATE, IMPORT]) {
      const body = expectError(await server.request('POST', path, { token: io, body: { csv: csvOf(6) } }), 413, 'IMPORT_TOO_MANY_ROWS');
      expect(body.details).toEqual({ maxRows: 5 });
    }
    expect((await server.request('GET', '/api/v1/clients', { token: org.token })).body.total).toBe(0);
  });

  it('refuses a CSV over IMPORT_MAX_BYTES with 413 IMPORT_TOO_LARGE, and a body far beyond it with 413 PAYLOAD_TOO_LARGE', async () => {
    const big = `email,name\na@example.com,${'x'.repeat(2100)}`;
    const body = expectError(await server.request('POST', IMPORT, { token: io, body: { csv: big } }), 413, 'IMPORT_TOO_LARGE');
    expect(body.details).toEqual({ maxBytes: 2048 });
    const huge = `email,name\na@example.com,${'x'.repeat(10_000)}`;
    expectError(await server.request('POST', IMPORT, { token: io, body: { csv: huge } }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('a client that disconnects mid-export does not disturb the server', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}${EXPORT}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${io}`, 'content-type': 'application/json' },
      body: JSON.stringify({ entityType: 'clients', format: 'csv' }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    controller.abort();
    const after = await server.request('POST', VALIDATE, { token: io, body: { csv: csvOf(1) } });
    expect(after.status).toBe(200);
  });
});

describe.each(DIALECTS)('transactions export (%s)', (dialect) => {
  const clock = manualClock(new Date('2030-06-01T12:00:00.000Z'));
  let server: TestServer;
  let payer: CommerceOrg;
  let other: CommerceOrg;
  let io: string;
  /** Payer's transactions in creation order: manual (hostile texts), paid checkout (refunded in part), manual. */
  let mine: string[];
  let theirs: string;

  beforeAll(async () => {
    server = await startTestServer({ dialect, now: clock.now });
    payer = await createCommerceOrg(server, 'Payer');
    other = await createCommerceOrg(server, 'Other');
    io = (await server.createOrgKey(payer.organizationId, ['data_io:execute'])).token;
    const hostile = await payer.manualTransaction(5000, {
      description: 'Order, "gift"',
      externalReference: '=HYPERLINK("x")',
    });
    clock.advanceMinutes(1);
    theirs = await other.manualTransaction(700, { externalReference: 'globex-only' });
    clock.advanceMinutes(1);
    const chk = await payer.createCheckout(checkoutBody(2500, { returnUrl: 'https://shop.example.com/r/{transactionId}' }));
    const paid = await pressOnPage(server.url, chk.shortCode, 'pay');
    const viaCheckout = paid.headers.get('location')!.split('/').pop()!;
    expect((await payer.call('POST', `/api/v1/transactions/${viaCheckout}/refund`, { amount: 1200 })).status).toBe(201);
    clock.advanceMinutes(1);
    const last = await payer.manualTransaction(100, { externalReference: '+SUM(1,2)' });
    clock.advanceMinutes(1);
    mine = [hostile, viaCheckout, last];
  });
  afterAll(async () => server?.close());

  it("exports the caller's transactions in their API shape (JSON), never another organization's", async () => {
    const res = await exportRaw(server, io, { entityType: 'transactions', format: 'json' });
    expect(res.status).toBe(200);
    const json = JSON.parse(res.text) as Transaction[];
    expect(json.map((t) => t.id)).toEqual(mine);
    expect(res.text).not.toContain(theirs);
    for (const t of json) {
      const one = await payer.call('GET', `/api/v1/transactions/${t.id}`);
      expect(t).toEqual(one.body);
      expect(Transaction.strict().parse(t)).toEqual(t);
    }
    expect(json[0]).toMatchObject({ source: 'manual', externalReference: '=HYPERLINK("x")', clientId: null });
    expect(json[1]).toMatchObject({ source: 'checkout', status: 'partially_refunded', amount: 2500, refundedAmount: 1200 });
  });

  it('writes the CSV columns of a Transaction, escaped like every CSV', async () => {
    const csv = await exportRaw(server, io, { entityType: 'transactions', format: 'csv' });
    expect(csv.text.split('\r\n')[0]).toBe(TX_HEADER);
    const records = csvRecords(csv.text);
    expect(records.map((r) => r.id)).toEqual(mine);
    expect(records[0]).toMatchObject({
      status: 'succeeded',
      source: 'manual',
      amount: '5000',
      refundedAmount: '0',
      description: 'Order, "gift"',
      externalReference: `'=HYPERLINK("x")`,
      clientId: '',
    });
    expect(records[1]).toMatchObject({ status: 'partially_refunded', source: 'checkout', refundedAmount: '1200', siteId: payer.siteId });
    expect(records[2]!.externalReference).toBe("'+SUM(1,2)");
    expect(csv.text).toContain('"Order, ""gift"""');
  });

  it('filters by [from, to) on createdAt', async () => {
    const all = JSON.parse((await exportRaw(server, io, { entityType: 'transactions', format: 'json' })).text) as Transaction[];
    const window = { from: all[1]!.createdAt, to: all[2]!.createdAt };
    const some = JSON.parse((await exportRaw(server, io, { entityType: 'transactions', format: 'json', ...window })).text) as unknown[];
    expect(some).toEqual([all[1]]);
  });
});
