import { z } from 'zod';

/** Host names a development machine reaches itself by: the only hosts a plain `http://` URL may name. */
const LOOPBACK_HOST = /^(?:localhost|[^/]+\.localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
/** Control (C0, C1) and format characters (bidi overrides, zero-width) and whitespace: none belongs in a URL a browser is sent to. */
const CONTROL_OR_SPACE = /[\p{Cc}\p{Cf}\s]/u;

/** Why a URL is refused (the message of the 400 VALIDATION_FAILED issue). */
export const WEB_URL_MESSAGE = 'must be an absolute https:// URL (http:// only for localhost, 127.0.0.1 or [::1])';

/**
 * True for a URL a merchant may have customers sent to (SPEC §12): written out as
 * `https://host…`, or `http://host…` when the host is loopback (development). Nothing else:
 * no `javascript:`, `data:`, `vbscript:`, `file:` or any other scheme, no scheme-relative or
 * relative URL, no `http:host` shorthand, no user name or password (`https://bank.example@evil.example`
 * reads as another site), no whitespace or control character anywhere (a browser's URL parser
 * drops some of them, so what was checked would not be what runs).
 */
export function isWebUrl(value: string): boolean {
  if (CONTROL_OR_SPACE.test(value) || !/^https?:\/\//i.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.hostname === '' || url.username !== '' || url.password !== '') return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname));
}

/**
 * A URL the gateway sends customers to (a site's address, a checkout's returnUrl and cancelUrl):
 * at most 2048 characters, see `isWebUrl`. Anything else is 400 VALIDATION_FAILED naming the field.
 */
export const WebUrl = z
  .string()
  .trim()
  .max(2048)
  .refine(isWebUrl, { message: WEB_URL_MESSAGE })
  .describe('Absolute https:// URL (http:// only for localhost, 127.0.0.1 or [::1], for development)');
