import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';

/**
 * Names, references, descriptions and reasons are text people read: on a terminal (the CLI
 * prints names), in logs, in CSV exports and on pages. A control character in them is refused
 * with 400 VALIDATION_FAILED naming the field (SPEC §7.1): none, in one-line fields; only tab and
 * line breaks, in descriptions and reasons.
 */
describe.each(DIALECTS)('control characters in text fields (%s)', (dialect) => {
  let server: TestServer;
  let org: string;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    org = await server.createOrganization();
    token = (await server.createOrgKey(org, ['api_key:create', 'api_key:execute', 'client:read', 'client:create', 'site:create'])).token;
  });
  afterAll(async () => server?.close());

  const post = (path: string, body: unknown) => server.request('POST', path, { token, body });
  const expectRefused = (res: { status: number; body: unknown }, field: string) => {
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    const body = res.body as { code: string; details?: { issues?: { path: string }[] } };
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.details?.issues?.map((i) => i.path)).toContain(`body.${field}`);
  };

  // A terminal escape (ESC [ 31 m), a bell, a C1 control (CSI, NEL) and DEL.
  const controls = ['\u001b[31mred', 'bell\u0007', 'csi\u009b2J', 'next\u0085line', 'del\u007f'];

  it('one-line fields (key, client and site names) refuse every control character, line breaks included', async () => {
    for (const bad of [...controls, 'two\nlines', 'carriage\rreturn', 'tab\there']) {
      expectRefused(await post(`/api/v1/organizations/${org}/api-keys`, { name: bad, scopes: ['client:read'] }), 'name');
      expectRefused(await post('/api/v1/clients', { name: bad, email: 'c@example.com' }), 'name');
      expectRefused(await post('/api/v1/sites', { name: bad, url: 'https://shop.example.com', defaultCurrency: 'EUR' }), 'name');
    }
  });

  it('descriptions and reasons keep tabs and line breaks, and refuse the other control characters', async () => {
    for (const bad of controls) {
      expectRefused(
        await post(`/api/v1/organizations/${org}/api-keys`, { name: 'k', description: bad, scopes: ['client:read'] }),
        'description',
      );
    }
    const created = await post(`/api/v1/organizations/${org}/api-keys`, {
      name: 'Billing bridge — prod ✓',
      description: 'first line\nsecond line\r\n\tindented',
      scopes: ['client:read'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const key = created.body as { id: string; name: string; description: string };
    expect(key).toMatchObject({ name: 'Billing bridge — prod ✓', description: 'first line\nsecond line\r\n\tindented' });

    expectRefused(await post(`/api/v1/organizations/${org}/api-keys/${key.id}/revoke`, { reason: 'escape \u001b]0;x\u0007' }), 'reason');
    const revoked = await post(`/api/v1/organizations/${org}/api-keys/${key.id}/revoke`, { reason: 'leaked\nin a ticket' });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
  });
});
