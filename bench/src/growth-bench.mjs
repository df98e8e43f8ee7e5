// Benchmark 3: verification latency with few and many stored keys, on a cache miss (cold:
// one primary-key read from SQLite) and a cache hit (warm: every stored key cached).
import { insertKeys, shuffled, startInProcessGateway } from './in-process.mjs';
import { fmt, fmtRatio, ratio, summarize, table } from './stats.mjs';

async function timeEach(verifier, tokens) {
  const out = new Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const t0 = performance.now();
    const r = await verifier.verify(tokens[i]);
    out[i] = (performance.now() - t0) * 1000;
    if (!r.ok) throw new Error(`bench key ${i} did not verify (${r.reason})`);
  }
  return out;
}

async function measure(count, { workingSet, coldSamples, warmSamples }) {
  const gw = await startInProcessGateway();
  try {
    const tl = performance.now();
    const tokens = await insertKeys(gw, count);
    const loadMs = performance.now() - tl;
    const { verifier, keyCache } = gw.gateway;
    // Warm up the code paths, then start from an empty cache.
    await timeEach(verifier, tokens.slice(0, Math.min(200, count)));

    // Cold: every verification is a cache miss — distinct keys of a random working set, with
    // the cache cleared before each pass. The last pass leaves the working set cached.
    const set = shuffled(tokens).slice(0, Math.min(count, workingSet));
    const cold = [];
    while (cold.length < coldSamples) {
      keyCache.clear();
      cold.push(...(await timeEach(verifier, shuffled(set))));
    }
    if (keyCache.size !== set.length) throw new Error(`expected ${set.length} cached keys, found ${keyCache.size}`);
    // Warm: cache hits at random within the cached working set.
    const sample = Array.from({ length: warmSamples }, () => set[Math.floor(Math.random() * set.length)]);
    const warm = await timeEach(verifier, sample);
    return { count, cached: set.length, loadMs, cold: summarize(cold), warm: summarize(warm) };
  } finally {
    await gw.close();
  }
}

export async function growthBench({ quick }) {
  const sizes = [1_000, 100_000];
  const opts = { workingSet: quick ? 2_000 : 10_000, coldSamples: quick ? 2_000 : 10_000, warmSamples: quick ? 10_000 : 50_000 };
  const small = await measure(sizes[0], opts);
  const large = await measure(sizes[1], opts);
  const us = (n) => fmt(n, 1);
  const rows = [];
  for (const kind of ['cold', 'warm']) {
    const label =
      kind === 'cold'
        ? 'cold (cache miss → SQLite read)'
        : `warm (cache hit; ${small.cached.toLocaleString('en-US')} / ${large.cached.toLocaleString('en-US')} keys cached)`;
    rows.push([
      label,
      us(small[kind].p50),
      us(small[kind].p99),
      us(large[kind].p50),
      us(large[kind].p99),
      fmtRatio(ratio(large[kind].p50, small[kind].p50)),
      fmtRatio(ratio(large[kind].p99, small[kind].p99)),
    ]);
  }
  return {
    title: '3. Growth: verification latency by number of stored keys (µs)',
    table: table(['path', '1k p50', '1k p99', '100k p50', '100k p99', 'p50 100k/1k', 'p99 100k/1k'], rows),
    notes: [
      `${opts.coldSamples.toLocaleString('en-US')}+ cold and ${opts.warmSamples.toLocaleString('en-US')} warm verifications per size, each timed alone, over a random working set of up to ${opts.workingSet.toLocaleString('en-US')} keys (1k: every key, cache cleared between passes).`,
      `Keys inserted in bulk through Kysely in batches of 500 (1k in ${Math.round(small.loadMs)} ms, 100k in ${Math.round(large.loadMs)} ms).`,
    ],
    summary: `100k/1k stored keys: cold p50 ${fmtRatio(ratio(large.cold.p50, small.cold.p50))}, warm p50 ${fmtRatio(ratio(large.warm.p50, small.warm.p50))}`,
    values: { small, large },
  };
}
