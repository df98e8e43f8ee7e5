import type { Logger } from 'pino';
import type { RequestOrigin } from '../audit/audit-log.js';
import { randomBase62 } from '../util/base62.js';
import type { UserService } from '../users/user-service.js';

/** The email of the generated first admin when BOOTSTRAP_ADMIN_EMAIL is unset. */
export const DEFAULT_BOOTSTRAP_EMAIL = 'admin@gateway.local';

export interface BootstrapAdminOptions {
  /** BOOTSTRAP_ADMIN_EMAIL. @default 'admin@gateway.local' */
  email?: string | undefined;
  /** BOOTSTRAP_ADMIN_PASSWORD; when unset a 24-character password is generated and announced once. */
  password?: string | undefined;
  logger: Logger;
  /**
   * Prints the one-time banner with a generated password. Deliberately not the JSON logger:
   * log pipelines keep what they receive, and the password must exist in exactly one place.
   * @default writes to process.stdout
   */
  announce?: (banner: string) => void;
}

const ORIGIN: RequestOrigin = { actor: { type: 'system', id: 'bootstrap' }, requestId: null, ip: null };

/**
 * First start with no users: creates a global admin so a newcomer can sign in (SPEC §8).
 * Safe with several instances starting at once: the unique email lets one of them win.
 */
export async function bootstrapAdmin(users: UserService, o: BootstrapAdminOptions): Promise<boolean> {
  if ((await users.count()) > 0) return false;
  const email = o.email ?? DEFAULT_BOOTSTRAP_EMAIL;
  const generated = o.password === undefined;
  const password = o.password ?? randomBase62(24);
  try {
    await users.create({ email, name: 'Administrator', password, globalAdmin: true }, ORIGIN);
  } catch (err) {
    if ((await users.count()) > 0) return false; // another instance bootstrapped first
    throw err;
  }
  if (generated) {
    (o.announce ?? ((b) => process.stdout.write(b)))(
      [
        '',
        '================================================================',
        ' Payment gateway: first start, a global admin was created.',
        `   email:    ${email}`,
        `   password: ${password}`,
        ' This password is shown once and is not stored anywhere readable.',
        ' Keep it in a password manager, or set BOOTSTRAP_ADMIN_EMAIL and',
        ' BOOTSTRAP_ADMIN_PASSWORD before the first start to choose it.',
        '================================================================',
        '',
        '',
      ].join('\n'),
    );
    o.logger.warn({ email }, 'bootstrap global admin created with a generated password (printed once to stdout)');
  } else {
    o.logger.info({ email }, 'bootstrap global admin created from BOOTSTRAP_ADMIN_EMAIL/BOOTSTRAP_ADMIN_PASSWORD');
  }
  return true;
}
