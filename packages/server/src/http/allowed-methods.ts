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

/** Every method some route of the contract serves (GET implies HEAD), sorted: the answer to `OPTIONS *`. */
export const SERVER_METHODS: readonly string[] = [
  ...new Set(PATTERNS.flatMap(({ method }) => (method === 'GET' ? ['GET', 'HEAD'] : [method]))),
].sort();

/** The parts of an Express 5 (router 2) route layer read here: its methods, and its own path matching (pure in router 2). */
interface RouteLayer {
  route?: { methods: Record<string, boolean | undefined> };
  match(path: string): unknown;
}

/**
 * The methods the contract and the app's other routes (the pages: portal, payment page, Admin
 * panel, docs) serve on `path` (GET implies HEAD), sorted; empty when no route has this path.
 * Lets an unmatched request answer 405 METHOD_NOT_ALLOWED with `Allow` instead of 404
 * (SPEC §7.1). `app` is the Express app whose routes count besides the contract's; omitted, the
 * contract's alone.
 */
export function allowedMethods(path: string, app?: unknown): string[] {
  const methods = new Set<string>();
  for (const { pattern, method } of PATTERNS) {
    if (!pattern.test(path)) continue;
    methods.add(method);
    if (method === 'GET') methods.add('HEAD');
  }
  const stack = (app as { router?: { stack?: RouteLayer[] } } | undefined)?.router?.stack ?? [];
  for (const layer of stack) {
    if (!layer.route || !matches(layer, path)) continue;
    for (const [method, served] of Object.entries(layer.route.methods)) {
      if (!served || method === '_all') continue;
      methods.add(method.toUpperCase());
      if (method === 'get') methods.add('HEAD');
    }
  }
  return [...methods].sort();
}

/** Whether the route layer matches `path`; a path its parameters cannot decode matches nothing. */
function matches(layer: RouteLayer, path: string): boolean {
  try {
    return Boolean(layer.match(path));
  } catch {
    return false;
  }
}
