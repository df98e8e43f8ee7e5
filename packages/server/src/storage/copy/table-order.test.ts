import { describe, expect, it } from 'vitest';
import { orderTablesByDependencies } from './table-order.js';

describe('orderTablesByDependencies', () => {
  it('puts every table after the tables it references, alphabetical among equals', () => {
    const order = orderTablesByDependencies(
      ['invoices', 'clients', 'organizations', 'audit_events', 'recurring_schedules'],
      [
        { child: 'clients', parent: 'organizations' },
        { child: 'invoices', parent: 'clients' },
        { child: 'invoices', parent: 'recurring_schedules' },
        { child: 'recurring_schedules', parent: 'clients' },
      ],
    );
    expect(order).toEqual(['audit_events', 'organizations', 'clients', 'recurring_schedules', 'invoices']);
  });

  it('allows a self-reference and ignores references to tables outside the list', () => {
    expect(
      orderTablesByDependencies(
        ['b', 'a'],
        [
          { child: 'a', parent: 'a' },
          { child: 'b', parent: 'elsewhere' },
        ],
      ),
    ).toEqual(['a', 'b']);
  });

  it('names the tables of a cycle', () => {
    expect(() =>
      orderTablesByDependencies(
        ['a', 'b'],
        [
          { child: 'a', parent: 'b' },
          { child: 'b', parent: 'a' },
        ],
      ),
    ).toThrow('cycle between: a, b');
  });
});
