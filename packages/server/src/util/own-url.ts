/**
 * The server's own URL for a listen host and port, usable in a browser: a wildcard host
 * (0.0.0.0, ::, empty) becomes `localhost`, an IPv6 literal is bracketed. The default base of
 * minted links when PUBLIC_BASE_URL is unset (SPEC §12); behind a proxy, set PUBLIC_BASE_URL.
 */
export function ownUrl(host: string, port: number): string {
  const h =
    host === '' || host === '0.0.0.0' || host === '::' || host === '[::]'
      ? 'localhost'
      : host.includes(':') && !host.startsWith('[')
        ? `[${host}]`
        : host;
  return `http://${h}:${port}`;
}
