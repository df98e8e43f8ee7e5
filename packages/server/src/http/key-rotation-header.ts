import { KEY_ROTATION_DUE_HEADER } from '@payment-gateway/contract';
import type { Response } from 'express';
import type { Principal } from '../access/principal.js';

/**
 * Sets `Payment-Gateway-Key-Rotation-Due: <ISO 8601>` when the proven key's secret is due for
 * rotation (issue 17), on every request the key authenticates (refused by scope or
 * organization too), so integrators' logs show it. CORS exposes it (http/cors.ts).
 */
export function announceRotationDue(res: Response, principal: Principal): void {
  if ((principal.kind === 'organizationKey' || principal.kind === 'systemKey') && principal.rotation?.due) {
    res.setHeader(KEY_ROTATION_DUE_HEADER, principal.rotation.dueAt);
  }
}
