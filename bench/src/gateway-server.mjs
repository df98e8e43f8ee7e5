#!/usr/bin/env node
// A gateway server process for the HTTP benchmarks: `payment-gateway start` rebuilt from the
// library (createGateway + listen, configuration from the environment), so a benchmark can set
// GatewayOptions.authenticationBypass — a programmatic-only option that no configuration,
// environment variable or CLI flag of the server reaches.
//   BENCH_BYPASS_TOKEN=<organization key token>  act as that key on every authenticated route
//                                                 without proving a credential per request
import { createGateway, loadConfig } from '@payment-gateway/server';

const config = loadConfig(process.env);
const token = process.env.BENCH_BYPASS_TOKEN;

/** The principal the server's key authenticator would produce for `token`, proven once. */
async function principalOf(token) {
  const probe = await createGateway({ ...config, logLevel: 'silent' });
  try {
    const result = await probe.verifier.verify(token);
    if (!result.ok) throw new Error(`BENCH_BYPASS_TOKEN does not verify: ${result.reason}`);
    const { key } = result;
    return key.tier === 'system' ? { kind: 'systemKey', key } : { kind: 'organizationKey', key, organizationId: key.organizationId };
  } finally {
    await probe.close();
  }
}

const options = token ? { authenticationBypass: { principal: await principalOf(token) } } : {};
const gateway = await createGateway(config, options);
await gateway.listen();
const stop = () =>
  gateway.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
