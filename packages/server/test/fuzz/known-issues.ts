// Findings owned by another branch, skipped (and counted) until that branch lands. Each entry
// names the branch that fixes it; delete the entry when it has merged. Keep this list empty.
import type { FuzzCase } from './fuzzer.js';
import type { RawResponse } from './raw-http.js';

export function knownIssue(_c: FuzzCase, _r: RawResponse): string | null {
  return null;
}
