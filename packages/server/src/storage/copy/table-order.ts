/** A foreign key between two tables: rows of `child` reference rows of `parent`. */
export interface TableDependency {
  child: string;
  parent: string;
}

/**
 * Orders tables so each comes after every table it references (foreign keys are checked at
 * each insert: PostgreSQL constraints are not deferrable unless declared so). Ties keep
 * alphabetical order, so the order is stable. A table referencing itself is allowed (its rows
 * are copied in source order); a cycle between tables is not.
 *
 * @throws Error naming the tables of a foreign-key cycle.
 */
export function orderTablesByDependencies(tables: readonly string[], dependencies: readonly TableDependency[]): string[] {
  const pending = new Map<string, Set<string>>();
  for (const t of [...tables].sort()) pending.set(t, new Set());
  for (const { child, parent } of dependencies) {
    if (child !== parent && pending.has(child) && pending.has(parent)) pending.get(child)!.add(parent);
  }
  const ordered: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending.keys()].filter((t) => [...pending.get(t)!].every((p) => !pending.has(p)));
    if (ready.length === 0) throw new Error(`foreign keys form a cycle between: ${[...pending.keys()].join(', ')}`);
    for (const t of ready) {
      ordered.push(t);
      pending.delete(t);
    }
  }
  return ordered;
}
