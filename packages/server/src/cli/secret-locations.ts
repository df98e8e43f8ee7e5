import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PEPPER_FILE } from './existing-database.js';

/** The generated JWT secret inside `DATA_DIR` when `JWT_SECRET` is not set. */
export const JWT_SECRET_FILE = 'jwt-secret';

/** Where one secret the data depends on lives. Never its value. */
export interface SecretLocation {
  /** The setting that carries it to another instance. */
  setting: 'API_KEY_PEPPER' | 'API_KEY_PEPPER_PREVIOUS' | 'JWT_SECRET';
  /**
   * `file`: a file (generated in DATA_DIR, or named by `<setting>_FILE`), see `path`;
   * `environment`: the value is in this environment's `<setting>`;
   * `missing`: nowhere (nothing was ever generated).
   */
  source: 'file' | 'environment' | 'missing';
  /** Absolute path of the file when `source` is `file`. */
  path?: string;
  /** The line an instance needs, e.g. `API_KEY_PEPPER_FILE=/srv/gateway/.data/api-key-pepper`. */
  instruction: string;
}

/**
 * Where the pepper and the JWT secret of the embedded deployment are (SPEC §1.2, §7.5): the
 * stored key hashes verify only with the same pepper, and signed-in sessions hold only with the
 * same JWT secret, so both must travel with a copy or a backup of the database. Reads the same
 * settings as the server (`<NAME>_FILE`, `<NAME>`, else the generated file in DATA_DIR); prints
 * paths and setting names, never a secret value.
 */
export function secretLocations(env: Record<string, string | undefined>, dataDir: string): SecretLocation[] {
  const locate = (setting: SecretLocation['setting'], generated: string | null): SecretLocation | null => {
    const file = env[`${setting}_FILE`];
    if (file) {
      const path = resolve(file);
      return { setting, source: 'file', path, instruction: `${setting}_FILE=${path}` };
    }
    if (env[setting]) {
      return { setting, source: 'environment', instruction: `${setting}=<the value ${setting} has in this environment>` };
    }
    if (generated === null) return null;
    const path = join(resolve(dataDir), generated);
    if (!existsSync(path)) return { setting, source: 'missing', instruction: `(${path} does not exist: no ${setting} was ever generated)` };
    return { setting, source: 'file', path, instruction: `${setting}_FILE=${path}` };
  };
  return [locate('API_KEY_PEPPER', PEPPER_FILE), locate('API_KEY_PEPPER_PREVIOUS', null), locate('JWT_SECRET', JWT_SECRET_FILE)].filter(
    (l): l is SecretLocation => l !== null,
  );
}

/** The operator-facing lines about the secrets (used by db:copy and backup). */
export function describeSecrets(locations: readonly SecretLocation[], env: Record<string, string | undefined>): string[] {
  const lines = locations.map((l) => `     ${l.instruction}`);
  if (env.API_KEY_PEPPER_VERSION) lines.push(`     API_KEY_PEPPER_VERSION=${env.API_KEY_PEPPER_VERSION}`);
  return lines;
}
