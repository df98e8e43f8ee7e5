import type { Express, NextFunction, Request, Response } from 'express';
import { AppError } from '../../errors/app-error.js';
import { customerOrigin, type PaymentPageView, type PaymentResult, type PaymentService } from '../payment-service.js';
import { assertNever } from '../../util/assert-never.js';
import { CHECKOUT_CSS, CHECKOUT_CSS_PATH, messagePage, payablePage } from './checkout-page-html.js';
import { followableUrl } from './followable-url.js';

/** Where the hosted payment page lives: `paymentUrl` is `{PUBLIC_BASE_URL}/checkout/{shortCode}` (SPEC §12). */
export const CHECKOUT_PAGE_PATH = '/checkout';

const SHORT_CODE = /^[0-9A-Za-z]{1,64}$/;

export interface CheckoutPageOptions {
  payments: PaymentService;
  /** True when the request was sent by another site (a form there must not pay or cancel here). */
  isCrossSite: (req: Request) => boolean;
  /** The request's client address (for the audit trail). */
  clientIp: (req: Request) => string;
}

/** The origin of a followable URL, or null (a placeholder in the host, garbage, another scheme). */
function originOf(url: string | null): string | null {
  return followableUrl(url)?.origin ?? null;
}

/**
 * A strict policy for the page: no script at all, its own stylesheet, forms only to itself and
 * to the checkout's return and cancel origins (browsers check form-action on the redirect too).
 */
function contentSecurityPolicy(view?: PaymentPageView): string {
  const targets = [originOf(view?.returnUrl ?? null), originOf(view?.cancelUrl ?? null)].filter((o): o is string => o !== null);
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    `form-action 'self'${[...new Set(targets)].map((o) => ` ${o}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function sendPage(res: Response, status: number, body: string, view?: PaymentPageView): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(view));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Robots-Tag', 'noindex');
  res.status(status).type('html').send(body);
}

/** `{transactionId}` in a merchant's return or cancel URL replaced by the transaction id (empty on cancel). */
export function redirectTarget(url: string, transactionId: string): string {
  return url.split('{transactionId}').join(encodeURIComponent(transactionId));
}

/** Non-2xx answers are the one error body like every other answer of the server (SPEC §7.1). */
const unknownLink = () => new AppError('NOT_FOUND', 'This payment link is not valid. Ask the merchant for a new one.');

function closedMessage(view: PaymentPageView): [string, string] {
  switch (view.status) {
    case 'completed':
      return ['Already paid', 'This checkout has already been paid. Nothing more to do.'];
    case 'cancelled':
      return ['Checkout cancelled', 'This checkout was cancelled. Ask the merchant for a new payment link.'];
    case 'expired':
      return ['Checkout expired', 'This payment link has expired. Ask the merchant for a new one.'];
    case 'open':
      return ['Checkout', 'This checkout is open.'];
    default:
      return assertNever(view.status);
  }
}

function answer(res: Response, result: PaymentResult): void {
  switch (result.kind) {
    case 'paid':
      if (followableUrl(result.view.returnUrl)) res.redirect(303, redirectTarget(result.view.returnUrl!, result.transactionId));
      else sendPage(res, 200, messagePage('Payment received', 'Thank you: your payment was received.', result.view, result.transactionId));
      return;
    case 'declined':
      sendPage(res, 200, payablePage(result.view, `Payment declined: ${result.reason} You can try again or cancel.`), result.view);
      return;
    case 'cancelled':
      if (followableUrl(result.view.cancelUrl)) res.redirect(303, redirectTarget(result.view.cancelUrl!, ''));
      else sendPage(res, 200, messagePage('Checkout cancelled', 'You cancelled this checkout. No payment was taken.', result.view));
      return;
    case 'closed': {
      // Not an error of the request: the page shows the checkout's state (paid elsewhere, cancelled, expired).
      const [title, message] = closedMessage(result.view);
      sendPage(res, 200, messagePage(title, message, result.view));
      return;
    }
    default:
      assertNever(result);
  }
}

/**
 * Serves the hosted payment page (SPEC §12): `GET /checkout/{shortCode}` shows the merchant
 * site, items and amount with the test provider's Pay, Decline and Cancel; each is a same-origin
 * form POST with an empty body to `/checkout/{shortCode}/pay|decline|cancel`. Pay and Cancel end
 * in a 303 redirect to returnUrl / cancelUrl with `{transactionId}` substituted (only to an
 * http(s) URL, `followableUrl`: otherwise the page says the payment or cancel went through). No script runs
 * on the page; every value is HTML-escaped. Failures answer the one error body (SPEC §7.1):
 * an unknown code 404 NOT_FOUND, a cross-site POST 403 CROSS_SITE_REQUEST; a checkout that is no
 * longer open is not a failure: the page shows its state.
 */
export function registerCheckoutPage(app: Express, options: CheckoutPageOptions): void {
  const { payments } = options;
  const guarded =
    (handler: (req: Request, res: Response, code: string) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
      const code = String(req.params.code ?? '');
      if (!SHORT_CODE.test(code)) {
        next(unknownLink());
        return;
      }
      handler(req, res, code).catch(next);
    };
  const action = (run: (code: string, req: Request) => Promise<PaymentResult | null>) =>
    guarded(async (req, res, code) => {
      if (options.isCrossSite(req))
        throw new AppError('CROSS_SITE_REQUEST', 'This payment action was sent from another site and was refused.');
      const result = await run(code, req);
      if (!result) throw unknownLink();
      answer(res, result);
    });
  const origin = (req: Request) => customerOrigin(req.requestId, options.clientIp(req));

  app.get(CHECKOUT_CSS_PATH, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('css').send(CHECKOUT_CSS);
  });
  app.get(
    `${CHECKOUT_PAGE_PATH}/:code`,
    guarded(async (_req, res, code) => {
      const view = await payments.view(code);
      if (!view) throw unknownLink();
      if (view.status === 'open') sendPage(res, 200, payablePage(view), view);
      else {
        const [title, message] = closedMessage(view);
        sendPage(res, 200, messagePage(title, message, view, view.transactionId ?? undefined), view);
      }
    }),
  );
  app.post(
    `${CHECKOUT_PAGE_PATH}/:code/pay`,
    action((code, req) => payments.pay(code, { decision: 'pay' }, origin(req))),
  );
  app.post(
    `${CHECKOUT_PAGE_PATH}/:code/decline`,
    action((code, req) => payments.pay(code, { decision: 'decline' }, origin(req))),
  );
  app.post(
    `${CHECKOUT_PAGE_PATH}/:code/cancel`,
    action((code, req) => payments.cancel(code, origin(req))),
  );
}
