import { AppError } from '../errors/app-error.js';

export interface LineAmount {
  quantity: number;
  unitAmount: number;
}

/**
 * Sum of quantity × unitAmount in minor units. Computed exactly (BigInt) and refused when it
 * would not survive a JSON number round trip, instead of silently losing cents.
 */
export function totalOf(lines: readonly LineAmount[]): number {
  const total = lines.reduce((sum, l) => sum + BigInt(l.quantity) * BigInt(l.unitAmount), 0n);
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new AppError('VALIDATION_FAILED', 'The invoice total is too large.', {
      issues: [{ path: 'body.lines', message: `the total must not exceed ${Number.MAX_SAFE_INTEGER} minor units` }],
    });
  }
  return Number(total);
}
