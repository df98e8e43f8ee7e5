/**
 * The default branch of an exhaustive `switch` over a union: the compiler refuses to build when
 * a member of the union has no case, and a value that slips past the types at run time fails
 * closed instead of falling through.
 * @throws Error always
 */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
