import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';

describe.each(DIALECTS)('server smoke (%s)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });
  afterAll(async () => server?.close());

  it('answers /health without a credential', async () => {
    const res = await server.request('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('identifies an organization key on whoami', async () => {
    const org = await server.createOrganization();
    const key = await server.createOrgKey(org, ['invoice:read']);
    const res = await server.request('GET', '/api/v1/auth/whoami', { token: key.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'api_key', keyId: key.id, organizationId: org, scopes: ['invoice:read'] });
  });
});
