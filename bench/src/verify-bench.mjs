// Benchmark 1: KeyVerifier.verify on a warm cache (a real gateway over SQLite) against a bare
// HMAC-SHA256 of the same secret, in alternating rounds of the same process.
import { bareHmac, BENCH_ORIGIN, secretOf, startInProcessGateway } from './in-process.mjs';
import { fmtRatio, median, perSecond, ratio, table } from './stats.mjs';

/** Runs `op` for about `ms` milliseconds; returns operations per second. */
async function timeBoxed(op, ms, isAsync) {
  let count = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    if (isAsync) for (let i = 0; i < 256; i++) await op();
    else for (let i = 0; i < 256; i++) op();
    count += 256;
    elapsed = performance.now() - t0;
  } while (elapsed < ms);
  return perSecond(count, elapsed);
}

export async function verifyBench({ quick }) {
  const rounds = quick ? 3 : 7;
  const roundMs = quick ? 200 : 500;
  const gw = await startInProcessGateway();
  try {
    const created = await gw.gateway.keys.create(
      { tier: 'organization', organizationId: gw.orgId },
      { name: 'bench', scopes: ['client:read'] },
      { scopes: ['client:read'], origin: BENCH_ORIGIN },
    );
    const token = created.token;
    const secret = secretOf(token);
    const { verifier } = gw.gateway;
    const first = await verifier.verify(token);
    if (!first.ok) throw new Error('the bench key did not verify');
    const verify = () => verifier.verify(token);
    const hmac = () => bareHmac(secret);
    // Warm-up: let the JIT settle before anything is recorded.
    await timeBoxed(verify, roundMs, true);
    timeBoxed(hmac, roundMs, false);

    const v = [];
    const h = [];
    for (let r = 0; r < rounds; r++) {
      // Alternate the order so drift on a shared machine hits both sides alike.
      if (r % 2 === 0) {
        v.push(await timeBoxed(verify, roundMs, true));
        h.push(await timeBoxed(hmac, roundMs, false));
      } else {
        h.push(await timeBoxed(hmac, roundMs, false));
        v.push(await timeBoxed(verify, roundMs, true));
      }
    }
    const verifyOps = median(v);
    const hmacOps = median(h);
    const rows = [
      ['bare HMAC-SHA256 of the secret (baseline)', hmacOps, (1e6 / hmacOps).toFixed(2), '1.00×', '1.00×'],
      [
        'KeyVerifier.verify, warm cache (SQLite gateway)',
        verifyOps,
        (1e6 / verifyOps).toFixed(2),
        fmtRatio(ratio(verifyOps, hmacOps)),
        fmtRatio(ratio(hmacOps, verifyOps)),
      ],
    ];
    return {
      title: '1. Key verification in-process (warm cache)',
      table: table(['operation', 'ops/s', 'µs/op', 'throughput vs baseline', 'cost vs baseline'], rows),
      notes: [
        `median of ${rounds} alternating rounds of ${roundMs} ms each, one key, sequential awaits.`,
        'verify = parse + CRC32 checksum + cache lookup + constant-time HMAC compare + status/expiry + lastUsed touch (in memory).',
      ],
      summary: `verify on a warm cache: ${Math.round(verifyOps).toLocaleString('en-US')}/s = ${fmtRatio(ratio(hmacOps, verifyOps))} the cost of one bare HMAC`,
      values: { verifyOps, hmacOps },
    };
  } finally {
    await gw.close();
  }
}
