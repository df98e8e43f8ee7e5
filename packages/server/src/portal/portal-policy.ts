import type { ErrorCode } from '@payment-gateway/contract';
import type { OrganizationService } from '../system/organization-service.js';
import type { SettingsService } from '../settings/settings-service.js';

export interface PortalPolicyDeps {
  settings: SettingsService;
  organizations: OrganizationService;
}

/**
 * Why the portal is closed for an organization, or null when it is open. Checked when a link
 * is minted, when it is redeemed and on every portal request, so switching the portal off
 * also ends links and sessions already handed out.
 */
export async function portalClosedReason(
  deps: PortalPolicyDeps,
  organizationId: string,
  o: { magicLinks: boolean },
): Promise<ErrorCode | null> {
  const { portal } = await deps.settings.get();
  if (!portal.enabled) return 'PORTAL_DISABLED';
  // Magic links are the way in; turning them off stops new logins, not sessions already open.
  if (o.magicLinks && !portal.magicLinksEnabled) return 'MAGIC_LINKS_DISABLED';
  const org = await deps.organizations.get(organizationId).catch(() => null);
  if (org?.status !== 'active' || !org.portalEnabled) return 'ORGANIZATION_PORTAL_DISABLED';
  return null;
}
