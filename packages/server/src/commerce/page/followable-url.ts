/**
 * A stored return, cancel or site URL the page may link or redirect to: written out as
 * `http(s)://host…` with no whitespace or control character. The contract has refused anything
 * else since it was stored (`isWebUrl`: https, http only on loopback); this keeps a URL stored
 * before that rule (a `javascript:` or `data:` one) from ever reaching a browser, while an
 * `http://` URL that was valid then keeps working.
 */
export function followableUrl(url: string | null): URL | null {
  if (!url || !/^https?:\/\//i.test(url) || /[\p{Cc}\p{Cf}\s]/u.test(url)) return null;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname !== '' ? parsed : null;
  } catch {
    return null;
  }
}
