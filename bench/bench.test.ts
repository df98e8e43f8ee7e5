import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM JavaScript without declarations (the benchmarks run on node directly)
import { fmtPercent, fmtRatio, median, percentile, perSecond, ratio, summarize, table, verdict } from './src/stats.mjs';

// Only the math of the benchmark helpers; nothing here measures time.
describe('bench stats helpers', () => {
  it('nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(median([3, 1, 2])).toBe(2);
    expect(values[0]).toBe(100); // the input is not sorted in place
  });

  it('summaries', () => {
    expect(summarize([5, 1, 3])).toEqual({ n: 3, p50: 3, p99: 5, max: 5 });
  });

  it('ratios, rates and verdicts', () => {
    expect(ratio(90, 100)).toBeCloseTo(0.9);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 1)).toBeNaN();
    expect(perSecond(500, 250)).toBe(2000);
    expect(verdict(0.9, '>=', 0.9)).toBe('PASS');
    expect(verdict(0.89, '>=', 0.9)).toBe('MISS');
    expect(verdict(101, '<=', 100)).toBe('MISS');
    expect(verdict(Number.NaN, '<=', 100)).toBe('N/A');
    expect(fmtRatio(1.234)).toBe('1.23×');
    expect(fmtPercent(0.9312)).toBe('93.1%');
  });

  it('renders a Markdown table', () => {
    expect(table(['a', 'value'], [['x', 12345]]).split('\n')).toEqual(['| a   | value  |', '| --- | ------ |', '| x   | 12,345 |']);
  });
});
