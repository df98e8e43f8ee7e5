import { describe, expect, it } from 'vitest';
import { AUDIT_ACTION_LIST, AUDIT_ACTIONS } from './audit-actions.js';

describe('audit actions', () => {
  it('are dotted lower-case names, each with a one-sentence description', () => {
    expect(AUDIT_ACTION_LIST.length).toBeGreaterThan(20);
    for (const action of AUDIT_ACTION_LIST) {
      expect(action).toMatch(/^[a-z_]+(\.[a-z_]+)+$/);
      expect(AUDIT_ACTIONS[action]).toMatch(/^[A-Z].*\.$/);
    }
  });

  it('include the key lifecycle and the portal refusals', () => {
    expect(AUDIT_ACTION_LIST).toEqual(
      expect.arrayContaining([
        'api_key.created',
        'api_key.rotated',
        'api_key.revoked',
        'portal.magic_link.replayed',
        'portal.magic_link.refused',
      ]),
    );
  });
});
