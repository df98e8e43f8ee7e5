/** The cookie the server reads on routes without `:orgId` to pick the organization (SPEC §3). */
export const SELECTED_ORGANIZATION_COOKIE = 'selectedOrganization';

export function readSelectedOrganization(): string | null {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SELECTED_ORGANIZATION_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/** Sets (or with null clears) the selectedOrganization cookie for the whole site. */
export function writeSelectedOrganization(orgId: string | null): void {
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  document.cookie =
    orgId === null
      ? `${SELECTED_ORGANIZATION_COOKIE}=; Path=/; Max-Age=0; SameSite=Strict${secure}`
      : `${SELECTED_ORGANIZATION_COOKIE}=${encodeURIComponent(orgId)}; Path=/; Max-Age=31536000; SameSite=Strict${secure}`;
}
