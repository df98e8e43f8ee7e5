import { randomBase62 } from './base62.js';

/** Prefixed random ids (`org_…`, `usr_…`, `evt_…`): 20 base62 characters, ~119 bits. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBase62(20)}`;
}
