// The browser-runtime rule on fakes of each runtime's globals (shaped after what each runtime
// really defines); the real thing runs in Chromium in test/browser.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PaymentGateway } from '../client.js';
import { PaymentGatewayConfigError } from '../errors.js';
import { KEY } from '../test-support/msw.js';
import { assertServerRuntime, detectBrowserRuntime, type RuntimeGlobals } from './browser-runtime.js';

const fakeDocument = () => ({ nodeType: 9, createElement: () => ({}) });

/** A worker's global object: an instance of its own `WorkerGlobalScope` subclass. */
function workerGlobals(extra: RuntimeGlobals = {}, kind: 'dedicated' | 'service' = 'dedicated'): RuntimeGlobals {
  class WorkerGlobalScope {}
  class DedicatedWorkerGlobalScope extends WorkerGlobalScope {}
  class ServiceWorkerGlobalScope extends WorkerGlobalScope {}
  const g = Object.create((kind === 'service' ? ServiceWorkerGlobalScope : DedicatedWorkerGlobalScope).prototype) as RuntimeGlobals;
  Object.assign(g, { WorkerGlobalScope, importScripts: () => undefined, navigator: { userAgent: 'Mozilla/5.0 Chrome/156' }, ...extra });
  g['self'] = g;
  return g;
}

describe('detectBrowserRuntime', () => {
  it.each<[string, RuntimeGlobals]>([
    ['a browser page', { window: {}, document: fakeDocument(), navigator: { userAgent: 'Mozilla/5.0' } }],
    ['an iframe or webview (window and DOM, no navigator)', { window: {}, document: fakeDocument() }],
    [
      'an Electron renderer (a DOM and a Node process)',
      { window: {}, document: fakeDocument(), process: { versions: { node: '22', electron: '33' } } },
    ],
    [
      'jsdom under Node',
      { window: {}, document: fakeDocument(), process: { versions: { node: '20' } }, navigator: { userAgent: 'Mozilla/5.0 jsdom/26' } },
    ],
  ])('%s is a page', (_, g) => {
    expect(detectBrowserRuntime(g)).toBe('page');
  });

  it('a browser dedicated worker and a service worker are web workers', () => {
    expect(detectBrowserRuntime(workerGlobals())).toBe('web-worker');
    expect(detectBrowserRuntime(workerGlobals({}, 'service'))).toBe('web-worker');
  });

  it('a React Native app is a mobile client', () => {
    expect(detectBrowserRuntime({ navigator: { product: 'ReactNative' } })).toBe('react-native');
  });

  it.each<[string, RuntimeGlobals]>([
    ['Node.js', { process: { versions: { node: '20' } }, navigator: { userAgent: 'Node.js/20' } }],
    [
      'Deno 1 (a window, no document)',
      (() => {
        const g: RuntimeGlobals = { Deno: { version: { deno: '1.46' } }, navigator: { userAgent: 'Deno/1.46' } };
        g['window'] = g;
        g['self'] = g;
        return g;
      })(),
    ],
    ['Deno 2', { Deno: { version: { deno: '2.9.6' } }, navigator: { userAgent: 'Deno/2.9.6' } }],
    ['a Deno worker with WorkerGlobalScope and importScripts', workerGlobals({ Deno: { version: { deno: '2.9.6' } } })],
    ['Bun', { Bun: { version: '1.4.5' }, process: { versions: { bun: '1.4.5' } }, navigator: { userAgent: 'Bun/1.4.5' } }],
    ['a Bun worker', workerGlobals({ Bun: { version: '1.4.5' } })],
    [
      'Cloudflare Workers',
      (() => {
        const g: RuntimeGlobals = { navigator: { userAgent: 'Cloudflare-Workers' }, caches: {}, addEventListener: () => undefined };
        g['self'] = g;
        return g;
      })(),
    ],
    [
      'Vercel Edge',
      (() => {
        const g: RuntimeGlobals = { EdgeRuntime: 'edge-runtime', navigator: { userAgent: 'Vercel Edge' } };
        g['self'] = g;
        return g;
      })(),
    ],
    [
      'a worker scope without importScripts',
      (() => {
        const g = workerGlobals();
        delete g['importScripts'];
        return g;
      })(),
    ],
    ['importScripts on a global that is no WorkerGlobalScope', { importScripts: () => undefined, WorkerGlobalScope: class {} }],
    ['a window stub without a DOM document', { window: {}, document: {} }],
    ['a document without a window (server-side rendering helper)', { document: fakeDocument() }],
    ['an empty global', {}],
  ])('%s is a server runtime', (_, g) => {
    expect(detectBrowserRuntime(g)).toBeNull();
  });

  it('a global whose getter throws is not a reason to refuse', () => {
    const g = Object.defineProperty({}, 'window', {
      get: () => {
        throw new Error('no');
      },
    }) as RuntimeGlobals;
    expect(detectBrowserRuntime(g)).toBeNull();
  });

  it('this Node.js test process is a server runtime', () => {
    expect(detectBrowserRuntime()).toBeNull();
  });
});

describe('assertServerRuntime', () => {
  const page = { window: {}, document: fakeDocument() };

  it('refuses a browser-like runtime with an error that says why and what to do instead', () => {
    for (const g of [page, workerGlobals(), { navigator: { product: 'ReactNative' } }]) {
      let error: unknown;
      try {
        assertServerRuntime(undefined, g);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PaymentGatewayConfigError);
      expect(error).toMatchObject({ code: 'BROWSER_NOT_ALLOWED' });
      const message = (error as Error).message;
      expect(message).toMatch(/secrets/);
      expect(message).toMatch(/mobile app/);
      expect(message).toMatch(/server-side proxy/);
      expect(message).toContain('dangerouslyAllowBrowser: true');
    }
    expect(() => assertServerRuntime(false, page)).toThrow(/refuses to run in a browser-like runtime/);
    expect(() => assertServerRuntime(undefined, workerGlobals())).toThrow(/browser web worker/);
  });

  it('lets the explicit opt-out through, and only a real boolean counts', () => {
    expect(() => assertServerRuntime(true, page)).not.toThrow();
    for (const loose of ['true', 1, 'yes', {}]) {
      expect(() => assertServerRuntime(loose, page)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    }
  });

  it('never bothers a server runtime', () => {
    expect(() => assertServerRuntime(undefined, { Deno: {}, window: {} })).not.toThrow();
    expect(() => assertServerRuntime(undefined)).not.toThrow();
  });
});

describe('new PaymentGateway() in a page', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('throws BROWSER_NOT_ALLOWED before looking at the key, and never echoes it', () => {
    vi.stubGlobal('window', {});
    vi.stubGlobal('document', fakeDocument());
    for (const apiKey of [KEY, 'sk_not-even-a-key', () => KEY]) {
      let error: unknown;
      try {
        new PaymentGateway({ apiKey });
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ name: 'PaymentGatewayConfigError', code: 'BROWSER_NOT_ALLOWED' });
      expect(String((error as Error).message)).not.toContain(KEY.split('.')[1]!.slice(0, 12));
    }
  });

  it('constructs with dangerouslyAllowBrowser: true', () => {
    vi.stubGlobal('window', {});
    vi.stubGlobal('document', fakeDocument());
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: 'https://pay.example.com', dangerouslyAllowBrowser: true });
    expect(gw.baseUrl).toBe('https://pay.example.com');
    expect(() => new PaymentGateway({ apiKey: KEY, dangerouslyAllowBrowser: 'true' as unknown as boolean })).toThrow(
      /dangerouslyAllowBrowser/,
    );
  });
});
