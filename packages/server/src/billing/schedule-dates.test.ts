import { describe, expect, it } from 'vitest';
import { nextRunAfter, nextRunOnOrAfter, runDate, runDateOrNull } from './schedule-dates.js';

describe('schedule dates', () => {
  it('keeps the anchor day and clamps to month ends', () => {
    expect([1, 2, 3].map((k) => runDate('2030-01-31', 'monthly', k))).toEqual(['2030-02-28', '2030-03-31', '2030-04-30']);
    expect(runDate('2031-11-30', 'quarterly', 1)).toBe('2032-02-29');
    expect(runDate('2032-02-29', 'yearly', 1)).toBe('2033-02-28');
    expect(runDate('2030-12-28', 'weekly', 1)).toBe('2031-01-04');
  });

  it('finds the first run on or after today, also far in the future', () => {
    expect(nextRunOnOrAfter('2030-05-01', 'monthly', '2030-01-01')).toBe('2030-05-01');
    expect(nextRunOnOrAfter('2030-01-31', 'monthly', '2030-02-28')).toBe('2030-02-28');
    expect(nextRunOnOrAfter('2030-01-31', 'monthly', '2030-03-01')).toBe('2030-03-31');
    expect(nextRunOnOrAfter('2020-01-15', 'monthly', '2045-06-16')).toBe('2045-07-15');
    expect(nextRunOnOrAfter('2020-01-01', 'weekly', '2020-01-09')).toBe('2020-01-15');
    expect(nextRunOnOrAfter('2000-02-29', 'yearly', '2030-03-01')).toBe('2031-02-28');
  });

  it('steps to the period after one, and has none past 9999-12-31 (never a six-digit year)', () => {
    expect(nextRunAfter('2030-01-31', 'monthly', '2030-01-31')).toBe('2030-02-28');
    expect(nextRunAfter('2030-01-31', 'monthly', '2030-02-28')).toBe('2030-03-31');
    expect(nextRunAfter('2030-01-01', 'weekly', '2030-01-01')).toBe('2030-01-08');
    for (const interval of ['weekly', 'monthly', 'quarterly', 'yearly'] as const) {
      expect(nextRunAfter('9999-12-31', interval, '9999-12-31')).toBeNull();
      expect(nextRunOnOrAfter('9999-12-31', interval, '9999-12-31')).toBe('9999-12-31');
    }
    expect(nextRunAfter('9999-12-01', 'monthly', '9999-12-01')).toBeNull();
    expect(nextRunAfter('9999-12-20', 'weekly', '9999-12-20')).toBe('9999-12-27');
    expect(nextRunAfter('9999-12-27', 'weekly', '9999-12-27')).toBeNull();
    expect(runDateOrNull('9999-11-30', 'quarterly', 1)).toBeNull();
    expect(() => runDate('9999-12-31', 'yearly', 1)).toThrow(RangeError);
  });
});
