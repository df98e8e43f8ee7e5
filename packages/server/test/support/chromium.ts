import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (installed by .ci/run; TOOLCHAIN.md "Browsers"), or the one `CHROMIUM_PATH` names. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** False only outside CI without a browser: in CI (`CI` set) a missing Chromium fails the browser suites instead of skipping them. */
export const HAS_CHROMIUM = existsSync(CHROMIUM) || Boolean(process.env.CI);

/**
 * Whether the browser tests of `suite` (e.g. `[portal] the portal page browser test`) can run;
 * when they cannot, says why on the console (the caller skips them).
 */
export function canRunBrowser(suite: string): boolean {
  if (!HAS_CHROMIUM) console.log(`${suite}: skipped, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  return HAS_CHROMIUM;
}

/** Headless Chromium with the flags that work on this machine (no sandbox, no GPU, no background traffic). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Records what would show that a page does not work under the server's CSP or leaves its origin:
 * CSP violations (console "Refused to …"), uncaught page errors and, when `origin` is given, any
 * request to another origin (no CDN; `data:` URLs are not requests). `problems` fills as the page runs.
 */
export function watchPage(page: Page, origin?: string): { problems: string[] } {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  if (origin !== undefined)
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith(origin) && !url.startsWith('data:')) problems.push(`request to another origin: ${url}`);
    });
  return { problems };
}
