import type { CheckoutItem } from '@payment-gateway/contract';
import { AppError } from '../errors/app-error.js';
import { assertNever } from '../util/assert-never.js';

/**
 * What the items of a checkout add up to, in minor units: quantity × unitPrice per item, added
 * for goods, digital services, shipping and tax, subtracted for discounts. Exact (BigInt).
 */
export function itemsTotal(items: readonly CheckoutItem[]): bigint {
  return items.reduce((sum, item) => {
    const line = BigInt(item.quantity) * BigInt(item.unitPrice);
    switch (item.itemType) {
      case 'discount':
        return sum - line;
      case 'goods':
      case 'digital_service':
      case 'shipping':
      case 'tax':
        return sum + line;
      default:
        return assertNever(item.itemType);
    }
  }, 0n);
}

/**
 * Refuses a checkout whose items do not add up to its amount (SPEC §5).
 * @throws AppError CHECKOUT_AMOUNT_MISMATCH (400) with details `{ amount, itemsTotal }`
 */
export function assertItemsMatch(amount: number, items: readonly CheckoutItem[]): void {
  const total = itemsTotal(items);
  if (total !== BigInt(amount)) {
    throw new AppError(
      'CHECKOUT_AMOUNT_MISMATCH',
      `The items add up to ${total} minor units but amount is ${amount}: they must be equal (discount items are subtracted).`,
      {
        amount,
        itemsTotal: total >= BigInt(Number.MIN_SAFE_INTEGER) && total <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(total) : String(total),
      },
    );
  }
}
