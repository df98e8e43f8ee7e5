// Issue 17: the SDK's one-time rotation-due warning against a real server (both databases),
// time moved with the server's injectable clock.
import { PaymentGateway, type PaymentGatewayWarning } from '@payment-gateway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock } from '../packages/server/test/auth-matrix.js';
import { DIALECTS, OPERATOR, startTestServer, type TestServer } from '../packages/server/test/harness.js';

const DAY = 86_400_000;

describe.each(DIALECTS)('SDK rotation-due warning against a real server (%s)', (dialect) => {
  let server: TestServer;
  const clock = createTestClock();

  beforeAll(async () => {
    server = await startTestServer({ dialect, now: clock.now });
  });
  afterAll(async () => server?.close());

  it('warns once per client and key when the gateway reports the key due; whoami says when', async () => {
    const org = await server.createOrganization('SDK rotation');
    const key = await server.createOrgKey(org, ['invoice:read']);
    const warnings: PaymentGatewayWarning[] = [];
    const gw = new PaymentGateway({ apiKey: key.token, baseUrl: server.url, maxRetries: 0, onWarning: (w) => warnings.push(w) });

    await server.gateway.settings.update({ keyPolicy: { maxKeyAgeDays: 90 } }, OPERATOR);
    const me = await gw.whoami();
    expect(me.type === 'api_key' && me.rotationDueAt).toBe(new Date(Date.parse(key.createdAt) + 90 * DAY).toISOString());
    expect(warnings).toHaveLength(0);

    clock.advance(91 * DAY);
    await gw.whoami();
    await gw.invoices.list();
    await gw.whoami();
    expect(warnings).toEqual([
      expect.objectContaining({
        code: 'API_KEY_ROTATION_DUE',
        keyId: key.id,
        rotationDueAt: new Date(Date.parse(key.createdAt) + 90 * DAY).toISOString(),
      }),
    ]);
    expect(warnings[0]!.message).not.toContain(key.token.slice(26));
  });
});
