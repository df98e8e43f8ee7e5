/**
 * The SDK's built ESM output (dist/index.js, bundled with its dependencies by esbuild the way a
 * web app's bundler would) in real Chromium: a page, a module, a classic and a shared web worker
 * each refuse `new PaymentGateway({ apiKey })` with BROWSER_NOT_ALLOWED, and construct with
 * `dangerouslyAllowBrowser: true`; the opted-out page client then talks to a real gateway through
 * the page's origin. Needs the SDK build and Debian's chromium (`apt-get install -y chromium`);
 * skips with a message when either is missing.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, launchChromium } from '../../server/test/support/chromium.js';
import { KEY } from '../src/test-support/msw.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js');
const missing = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is missing (install Debian's chromium: apt-get install -y chromium)`
  : !existsSync(DIST)
    ? `${DIST} is missing (build the SDK first: node scripts/run.mjs build)`
    : null;
if (missing) console.warn(`[sdk browser test] skipped: ${missing}`);

/** What a page or worker reports back from trying both constructions. */
interface Outcome {
  refused: { name: string; code: string; message: string } | null;
  optedOut: { baseUrl: string } | null;
  optedOutError?: string;
}

// Runs inside the browser (page or worker): `sdk` is the bundled module.
const PROBE = `
async function probe(sdk, key) {
  const out = { refused: null, optedOut: null };
  try {
    new sdk.PaymentGateway({ apiKey: key, baseUrl: 'https://pay.example.com' });
  } catch (e) {
    out.refused = { name: e.name, code: e.code, message: e.message };
  }
  try {
    out.optedOut = { baseUrl: new sdk.PaymentGateway({ apiKey: key, baseUrl: 'https://pay.example.com', dangerouslyAllowBrowser: true }).baseUrl };
  } catch (e) {
    out.optedOutError = String(e);
  }
  return out;
}
`;

const FILES: Record<string, { type: string; body: () => string }> = {};
let gateway: TestServer;
let site: Server;
let origin: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (missing) return;
  const bundle = (format: 'esm' | 'iife') =>
    build({
      entryPoints: [DIST],
      bundle: true,
      format,
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
      ...(format === 'iife' ? { globalName: 'PaymentGatewaySdk' } : {}),
    }).then((r) => r.outputFiles[0]!.text);
  const [esm, iife] = await Promise.all([bundle('esm'), bundle('iife')]);
  const js = 'text/javascript; charset=utf-8';
  Object.assign(FILES, {
    '/': { type: 'text/html; charset=utf-8', body: () => '<!doctype html><title>sdk in a browser</title><h1>shop</h1>' },
    '/sdk.js': { type: js, body: () => esm },
    '/sdk.iife.js': { type: js, body: () => iife },
    '/worker-module.js': {
      type: js,
      body: () => `import * as sdk from '/sdk.js';\n${PROBE}\nprobe(sdk, ${JSON.stringify(KEY)}).then((o) => postMessage(o));`,
    },
    '/worker-shared.js': {
      type: js,
      body: () =>
        `import * as sdk from '/sdk.js';\n${PROBE}\nconst outcome = probe(sdk, ${JSON.stringify(KEY)});\nonconnect = (e) => outcome.then((o) => e.ports[0].postMessage(o));`,
    },
    '/worker-classic.js': {
      type: js,
      body: () =>
        `importScripts('/sdk.iife.js');\n${PROBE}\nprobe(self.PaymentGatewaySdk, ${JSON.stringify(KEY)}).then((o) => postMessage(o));`,
    },
  });
  gateway = await startTestServer();
  // The page's own origin serves the files and passes /api/* to the gateway (the gateway sends
  // no CORS headers for the Admin API, rightly).
  site = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/api/')) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'connection'].includes(k)),
        ) as Record<string, string>;
        const body = chunks.length ? Buffer.concat(chunks) : undefined;
        fetch(gateway.url + req.url, { method: req.method, headers, body })
          .then(async (r) => {
            res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
            res.end(Buffer.from(await r.arrayBuffer()));
          })
          .catch(() => res.writeHead(502).end());
      });
      return;
    }
    const file = FILES[path];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.type }).end(file.body());
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`${origin}/`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (site ? site.close(r) : r(undefined)));
  await gateway?.close();
});

function expectRefusedThenOptedOut(outcome: Outcome, where: RegExp): void {
  expect(outcome.refused).toMatchObject({ name: 'PaymentGatewayConfigError', code: 'BROWSER_NOT_ALLOWED' });
  expect(outcome.refused!.message).toMatch(where);
  expect(outcome.refused!.message).toMatch(/API keys are secrets/);
  expect(outcome.refused!.message).toMatch(/server-side proxy/);
  expect(outcome.refused!.message).toContain('dangerouslyAllowBrowser: true');
  expect(outcome.refused!.message).not.toContain(KEY.split('.')[1]!.slice(0, 12));
  expect(outcome.optedOutError).toBeUndefined();
  expect(outcome.optedOut).toEqual({ baseUrl: 'https://pay.example.com' });
}

describe.skipIf(missing !== null)('the SDK build in Chromium', () => {
  it('a page: refused with BROWSER_NOT_ALLOWED; constructs with dangerouslyAllowBrowser', async () => {
    const outcome = await page.evaluate(`(async () => { ${PROBE}; return probe(await import('/sdk.js'), ${JSON.stringify(KEY)}); })()`);
    expectRefusedThenOptedOut(outcome as Outcome, /refuses to run in a browser-like runtime/);
  });

  it('a module web worker and a classic web worker: refused; construct with dangerouslyAllowBrowser', async () => {
    for (const [file, type] of [
      ['/worker-module.js', 'module'],
      ['/worker-classic.js', 'classic'],
    ] as const) {
      const outcome = await page.evaluate(`new Promise((resolve, reject) => {
        const worker = new Worker(${JSON.stringify(file)}, { type: ${JSON.stringify(type)} });
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => reject(new Error('worker ${file} failed: ' + e.message));
      })`);
      expectRefusedThenOptedOut(outcome as Outcome, /refuses to run in a browser web worker/);
    }
  });

  it('a shared worker: refused; constructs with dangerouslyAllowBrowser', async () => {
    const outcome = await page.evaluate(`new Promise((resolve, reject) => {
      const worker = new SharedWorker('/worker-shared.js', { type: 'module' });
      worker.port.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => reject(new Error('shared worker failed: ' + e.message));
      worker.port.start();
    })`);
    expectRefusedThenOptedOut(outcome as Outcome, /refuses to run in a browser web worker/);
  });

  it('the opted-out client works in the page (whoami through the page origin)', async () => {
    const org = await gateway.createOrganization('Browser Inc');
    const { token, id } = await gateway.createOrgKey(org, ['client:read'], { name: 'internal tool' });
    // A string, not a function: Vitest rewrites dynamic imports inside functions.
    const whoami = await page.evaluate(`(async () => {
      const sdk = await import('/sdk.js');
      const gw = new sdk.PaymentGateway({ apiKey: ${JSON.stringify(token)}, baseUrl: ${JSON.stringify(origin)}, dangerouslyAllowBrowser: true, maxRetries: 0 });
      return gw.whoami();
    })()`);
    expect(whoami).toMatchObject({ type: 'api_key', keyId: id, organizationId: org });
  });
});
