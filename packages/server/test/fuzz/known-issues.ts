// Findings owned by another branch, skipped (and counted in the report) until that branch lands.
// Each entry names the branch that fixes it; delete the entry when it has merged. Keep it short.
import type { FuzzCase } from './fuzzer.js';
import type { RawResponse } from './raw-http.js';

/** A well-formed organization id that names no organization; the fuzz target sends it as a cookie. */
export const MISSING_ORG_COOKIE = 'selectedOrganization=org_AAAAAAAAAAAAAAAAAAAA';

/** None today: the selectedOrganization 500 (issue #11) is fixed (400 ORGANIZATION_CONTEXT_REQUIRED). */
export function knownIssue(_c: FuzzCase, _r: RawResponse): string | null {
  return null;
}
