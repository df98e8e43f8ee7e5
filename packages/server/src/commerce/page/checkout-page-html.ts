import type { PaymentPageView } from '../payment-service.js';
import { followableUrl } from './followable-url.js';
import { formatAmount, html, type SafeHtml } from './html.js';

/** Where the page's only stylesheet is served (no inline style: strict CSP). */
export const CHECKOUT_CSS_PATH = '/checkout/assets/checkout.css';

/** The payment page's stylesheet. */
export const CHECKOUT_CSS = `body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1b1f24}
main{max-width:36rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.1)}
table{width:100%;border-collapse:collapse;margin:1rem 0}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid #e3e6ea}
td.amount,th.amount{text-align:right;font-variant-numeric:tabular-nums}
[role=alert]{padding:.75rem;border-radius:6px;background:#fff4e5;border:1px solid #f0b45a}
.actions{display:flex;gap:.5rem;flex-wrap:wrap}
button{font:inherit;padding:.5rem 1rem;cursor:pointer}
`;

/** A whole page: one main landmark, one h1. */
export function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${title}</title>
<link rel="stylesheet" href="${CHECKOUT_CSS_PATH}">
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.value;
}

/** The summary of what is paid for, to whom: merchant site, items and total. */
function summary(view: PaymentPageView): SafeHtml {
  const rows = view.items.map(
    (item) =>
      html`<tr><td>${item.name}</td><td class="amount">${item.quantity}</td><td class="amount">${item.itemType === 'discount' ? '−' : ''}${formatAmount(item.quantity * item.unitPrice, view.currency)}</td></tr>`,
  );
  // A site URL stored before the contract refused other schemes is shown as text, never linked.
  const merchant = followableUrl(view.siteUrl)
    ? html`<a href="${view.siteUrl}" rel="noopener noreferrer">${view.siteName}</a>`
    : html`${view.siteName}`;
  return html`<p>Merchant: ${merchant}</p>
${view.invoiceNumber ? html`<p>Invoice: ${view.invoiceNumber}</p>` : ''}
<table aria-label="Items">
<thead><tr><th scope="col">Item</th><th scope="col" class="amount">Quantity</th><th scope="col" class="amount">Amount</th></tr></thead>
<tbody>${rows}</tbody>
</table>
<p>Total: <strong id="total">${formatAmount(view.amount, view.currency)}</strong></p>`;
}

/** The payable page: summary and the test provider's three buttons (forms with empty bodies). */
export function payablePage(view: PaymentPageView, alert?: string): string {
  const base = `/checkout/${encodeURIComponent(view.shortCode)}`;
  return page(
    `Pay ${view.siteName}`,
    html`<h1>Pay ${view.siteName}</h1>
${alert ? html`<div role="alert">${alert}</div>` : ''}
${summary(view)}
<p>Test mode: no real payment is taken.</p>
<form method="post" class="actions" aria-label="Payment">
<button type="submit" formaction="${base}/pay">Pay ${formatAmount(view.amount, view.currency)}</button>
<button type="submit" formaction="${base}/decline">Decline</button>
<button type="submit" formaction="${base}/cancel">Cancel</button>
</form>`,
  );
}

/** A page that only informs (paid, cancelled, expired, unknown link). */
export function messagePage(title: string, message: string, view?: PaymentPageView, transactionId?: string): string {
  return page(
    title,
    html`<h1>${title}</h1>
<p role="status">${message}</p>
${transactionId ? html`<p>Transaction: <code>${transactionId}</code></p>` : ''}
${view ? summary(view) : ''}`,
  );
}
