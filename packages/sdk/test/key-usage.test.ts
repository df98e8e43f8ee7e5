// gw.apiKeys.usage against the real reference server, on both databases: the SDK method reads
// what the server counted for a key (accepted and refused requests per hour, last 7 days).
import { KEY_USAGE_HOURS } from '@payment-gateway/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestServer, type TestServer } from '../../server/test/harness.js';
import { NotFoundError, PaymentGateway, PermissionDeniedError, type ApiKeyUsage } from '../src/index.js';

describe.each(DIALECTS)('gw.apiKeys.usage (%s)', (dialect) => {
  let server: TestServer;
  let orgId: string;
  let reader: PaymentGateway;
  const gw = (apiKey: string) => new PaymentGateway({ apiKey, baseUrl: server.url, maxRetries: 0 });

  beforeAll(async () => {
    server = await startTestServer({ dialect, env: { LAST_USED_FLUSH_MS: '100' } });
    orgId = await server.createOrganization('SDK usage');
    reader = gw((await server.createOrgKey(orgId, ['api_key:read'], { name: 'reader' })).token);
  });
  afterAll(async () => server?.close());

  it("reads a key's accepted and refused requests per hour, in the calling key's organization", async () => {
    const counted = await server.createOrgKey(orgId, ['client:read'], { name: 'counted' });
    const user = gw(counted.token);
    await user.whoami();
    await user.clients.list();
    await expect(user.invoices.list()).rejects.toBeInstanceOf(PermissionDeniedError);

    // Counts are flushed in batches (every 100 ms here): read until they arrive.
    let usage: ApiKeyUsage | undefined;
    for (let i = 0; i < 200; i++) {
      usage = await reader.apiKeys.usage(counted.id);
      if (usage.totals.accepted >= 2 && usage.totals.refused >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(usage?.keyId).toBe(counted.id);
    expect(usage?.totals).toEqual({ accepted: 2, refused: 1 });
    expect(usage?.hours).toHaveLength(KEY_USAGE_HOURS);
    expect(usage?.hours.at(-1)).toMatchObject({ accepted: 2, refused: 1 });
  });

  it('throws NotFoundError for an unknown key and PermissionDeniedError without api_key:read', async () => {
    await expect(reader.apiKeys.usage('A'.repeat(22))).rejects.toBeInstanceOf(NotFoundError);
    const noRead = gw((await server.createOrgKey(orgId, ['client:read'], { name: 'no read' })).token);
    await expect(noRead.apiKeys.usage('A'.repeat(22))).rejects.toMatchObject({ status: 403, requiredScope: 'api_key:read' });
  });
});
