import { listRoutes } from '@payment-gateway/contract';

interface PathPattern {
  pattern: RegExp;
  method: string;
}

// Every contract route as a regular expression over the decoded-or-not path: `:param` matches
// one segment; a trailing slash and letter case are ignored, as Express routes them.
const PATTERNS: readonly PathPattern[] = listRoutes().map(({ route }) => ({
  method: route.method,
  pattern: new RegExp(`^${route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}/?$`, 'i'),
}));

/**
 * The methods the contract serves on `path` (GET implies HEAD), sorted; empty when no route has
 * this path. Lets an unmatched request answer 405 METHOD_NOT_ALLOWED with `Allow` instead of 404
 * (SPEC §7.1).
 */
export function allowedMethods(path: string): string[] {
  const methods = new Set<string>();
  for (const { pattern, method } of PATTERNS) {
    if (!pattern.test(path)) continue;
    methods.add(method);
    if (method === 'GET') methods.add('HEAD');
  }
  return [...methods].sort();
}
