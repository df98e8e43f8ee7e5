import { PaymentGatewayConfigError } from '../errors.js';

/**
 * Where an API key must never be: code that runs on the end user's device. A key is a server-side
 * secret (treat it like a password; issue #17); the SDK targets server runtimes (SPEC §10: Node,
 * Bun, Deno, edge), and anything shipped to a browser page, a web worker,
 * an app's webview or a mobile app can be read by whoever runs it.
 *
 * - `page`: a window with a DOM document (`window` and `document.createElement`): browser pages
 *   and iframes, Electron/Tauri renderers, webviews, and DOM emulations in tests (jsdom,
 *   happy-dom).
 * - `web-worker`: a browser worker (dedicated, shared or service worker): its global object is a
 *   `WorkerGlobalScope` and it has `importScripts`, which no server runtime defines.
 * - `react-native`: a mobile app (`navigator.product === 'ReactNative'`).
 *
 * Server runtimes are not browser-like: Node.js (no `window`, no `document`), Bun, Deno (Deno 1
 * defines `window` but never `document`, and its workers have no `importScripts`), and edge
 * workers such as Cloudflare Workers and Vercel Edge Functions (no `document`, no
 * `WorkerGlobalScope`/`importScripts`). A Deno or Bun global also exempts the worker rule,
 * should a future version add `importScripts`.
 */
export type BrowserRuntime = 'page' | 'web-worker' | 'react-native';

/** The globals the rule reads; `globalThis` in production, a plain object in unit tests. */
export type RuntimeGlobals = Record<string, unknown>;

function isObject(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

/** Which kind of client runtime this is, or `null` on a server runtime. Never throws. */
export function detectBrowserRuntime(g: RuntimeGlobals = globalThis as unknown as RuntimeGlobals): BrowserRuntime | null {
  try {
    const doc = g['document'];
    if (isObject(g['window']) && isObject(doc) && typeof doc['createElement'] === 'function') return 'page';

    const nav = g['navigator'];
    if (isObject(nav) && nav['product'] === 'ReactNative') return 'react-native';

    const scope = g['WorkerGlobalScope'];
    const serverRuntime = isObject(g['Deno']) || isObject(g['Bun']);
    if (!serverRuntime && typeof g['importScripts'] === 'function' && typeof scope === 'function' && g instanceof scope)
      return 'web-worker';
    return null;
  } catch {
    // A hostile or half-built global (a getter that throws) is not a reason to refuse a server.
    return null;
  }
}

const WHERE: Record<BrowserRuntime, string> = {
  page: 'a browser-like runtime (a window with a DOM document: a web page, an Electron or webview renderer, or jsdom/happy-dom)',
  'web-worker': 'a browser web worker',
  'react-native': 'a React Native app',
};

/**
 * Refuses to build a client on the end user's device unless `dangerouslyAllowBrowser` is `true`.
 *
 * @throws PaymentGatewayConfigError `BROWSER_NOT_ALLOWED` in a browser-like runtime (see
 *   {@link detectBrowserRuntime}); `INVALID_OPTION` when `dangerouslyAllowBrowser` is given but is
 *   not a boolean.
 */
export function assertServerRuntime(dangerouslyAllowBrowser: unknown, g?: RuntimeGlobals): void {
  if (dangerouslyAllowBrowser !== undefined && typeof dangerouslyAllowBrowser !== 'boolean') {
    throw new PaymentGatewayConfigError('INVALID_OPTION', 'dangerouslyAllowBrowser must be true or false.');
  }
  if (dangerouslyAllowBrowser === true) return;
  const runtime = detectBrowserRuntime(g);
  if (runtime === null) return;
  throw new PaymentGatewayConfigError(
    'BROWSER_NOT_ALLOWED',
    `new PaymentGateway() refuses to run in ${WHERE[runtime]}. ` +
      'API keys are secrets, like passwords: anything shipped to a browser or a mobile app can be read by whoever runs it, ' +
      'and a leaked key acts with all of its scopes until it is revoked. Keep the key on your server and call the gateway from there ' +
      '(a server-side proxy or a backend route that your front end calls), or give the browser something built for it, such as a ' +
      'single-use customer-portal magic link created by your server. If you understand the risk (an internal tool on a trusted ' +
      'machine, or a test under jsdom), pass `dangerouslyAllowBrowser: true`.',
  );
}
