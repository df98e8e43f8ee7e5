import { describe, expect, it } from 'vitest';
import { nextRunOnOrAfter, runDate } from './schedule-dates.js';

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
});
