// Pure helpers: percentiles, ratios, verdicts and plain-text tables. No timing here, so the
// smoke test (bench.test.ts) can check the math.

/**
 * Nearest-rank percentile of a list of numbers (p in 0..100). Returns NaN for an empty list.
 * @param {readonly number[]} values
 * @param {number} p
 */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** @param {readonly number[]} values */
export function median(values) {
  return percentile(values, 50);
}

/** p50/p99/max of a sample, in the sample's unit. @param {readonly number[]} values */
export function summarize(values) {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.length ? Math.max(...values) : Number.NaN,
  };
}

/**
 * value / baseline; NaN when the baseline is zero or either side is missing.
 * @param {number} value
 * @param {number} baseline
 */
export function ratio(value, baseline) {
  if (!Number.isFinite(value) || !Number.isFinite(baseline) || baseline === 0) return Number.NaN;
  return value / baseline;
}

/**
 * PASS/MISS against a target; never throws (a miss is reported, not failed).
 * @param {number} value
 * @param {'>=' | '<='} op
 * @param {number} target
 */
export function verdict(value, op, target) {
  if (!Number.isFinite(value)) return 'N/A';
  return (op === '>=' ? value >= target : value <= target) ? 'PASS' : 'MISS';
}

/** Operations per second from a count and a duration in milliseconds. */
export function perSecond(count, ms) {
  return ms > 0 ? (count * 1000) / ms : Number.NaN;
}

/** Human formatting: 12 345, 1.23, 0.0123; '-' for NaN. @param {number} n */
export function fmt(n, digits = 2) {
  if (!Number.isFinite(n)) return '-';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 100) return n.toFixed(0);
  return n.toFixed(digits);
}

/** `0.93×` */
export function fmtRatio(n) {
  return Number.isFinite(n) ? `${n.toFixed(2)}×` : '-';
}

/** `93.1%` */
export function fmtPercent(n) {
  return Number.isFinite(n) ? `${(n * 100).toFixed(1)}%` : '-';
}

/**
 * A Markdown table (so the README can take it verbatim).
 * @param {readonly string[]} header
 * @param {readonly (readonly (string | number)[])[]} rows
 */
export function table(header, rows) {
  const cells = [header, ...rows].map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : String(c))));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r) => `| ${r.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ')} |`;
  return [line(cells[0]), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.slice(1).map(line)].join('\n');
}
