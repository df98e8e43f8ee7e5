// Secret settings from files (`<NAME>_FILE`, the container-secrets convention): read with one
// trailing newline stripped, never together with the variable itself, and every error names the
// variable and the file, never the secret. Real files in a temporary directory.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SECRET_SETTINGS } from '../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-secret-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function secretFile(content: string): string {
  const path = join(dir, `secret-${++n}`);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

const PEPPER = 'pepper-from-file-0123456789abcdefghijklmnop';
const JWT = 'jwt-from-file-0123456789abcdefghijklmnopqrs';
const PREVIOUS = 'previous-pepper-0123456789abcdefghijklmnop';
const PASSWORD = 'admin-password-from-file';
const DB_URL = 'postgres://gateway:db-password-from-file@db.internal:5432/gateway';
const REDIS_URL = 'rediss://gateway:redis-password-from-file@redis.internal:6380/2';

/** The error loadConfig throws, as a string (it must throw). */
function configError(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('loadConfig did not throw');
}

describe('secret settings from <NAME>_FILE', () => {
  it('covers every secret setting', () => {
    expect([...SECRET_SETTINGS].sort()).toEqual([
      'API_KEY_PEPPER',
      'API_KEY_PEPPER_PREVIOUS',
      'BOOTSTRAP_ADMIN_PASSWORD',
      'DATABASE_URL',
      'JWT_SECRET',
      'REDIS_URL',
    ]);
  });

  it('reads each secret from its file and strips one trailing newline (LF or CRLF)', () => {
    const config = loadConfig({
      API_KEY_PEPPER_FILE: secretFile(`${PEPPER}\n`),
      API_KEY_PEPPER_PREVIOUS_FILE: secretFile(`${PREVIOUS}\r\n`),
      JWT_SECRET_FILE: secretFile(JWT),
      BOOTSTRAP_ADMIN_EMAIL: 'ops@example.com',
      BOOTSTRAP_ADMIN_PASSWORD_FILE: secretFile(`${PASSWORD}\n`),
      DATABASE_URL_FILE: secretFile(`${DB_URL}\n`),
      REDIS_URL_FILE: secretFile(`${REDIS_URL}\n`),
    });
    expect(config).toMatchObject({
      pepper: PEPPER,
      previousPepper: PREVIOUS,
      jwtSecret: JWT,
      bootstrapAdminPassword: PASSWORD,
      databaseUrl: DB_URL,
      redisUrl: REDIS_URL,
    });
  });

  it('strips only one newline: the rest of the content is the secret, as written', () => {
    const config = loadConfig({ BOOTSTRAP_ADMIN_PASSWORD_FILE: secretFile(`  ${PASSWORD}\n\n`), BOOTSTRAP_ADMIN_EMAIL: 'ops@example.com' });
    expect(config.bootstrapAdminPassword).toBe(`  ${PASSWORD}\n`);
  });

  it('a secret file satisfies the rules PostgreSQL adds (pepper and JWT secret required)', () => {
    const config = loadConfig({ DATABASE_URL: DB_URL, API_KEY_PEPPER_FILE: secretFile(PEPPER), JWT_SECRET_FILE: secretFile(JWT) });
    expect(config.pepper).toBe(PEPPER);
    expect(configError({ DATABASE_URL_FILE: secretFile(DB_URL), JWT_SECRET_FILE: secretFile(JWT) })).toMatch(
      /API_KEY_PEPPER: required with DATABASE_URL .*API_KEY_PEPPER_FILE/,
    );
  });

  it('an empty <NAME>_FILE is unset, like an empty variable', () => {
    expect(loadConfig({ JWT_SECRET_FILE: '' }).jwtSecret).toBeUndefined();
  });

  it('refuses both the variable and its file, naming both and the path', () => {
    const path = secretFile(JWT);
    const message = configError({ JWT_SECRET: JWT, JWT_SECRET_FILE: path });
    expect(message).toContain('JWT_SECRET');
    expect(message).toContain('JWT_SECRET_FILE');
    expect(message).toContain(path);
    expect(message).not.toContain(JWT);
  });

  it('a missing file, a directory or an empty file is a start error naming the variable and the path', () => {
    const missing = join(dir, 'no-such-secret');
    expect(configError({ API_KEY_PEPPER_FILE: missing })).toMatch(
      new RegExp(`API_KEY_PEPPER_FILE: cannot read the file ${missing} \\(ENOENT\\)`),
    );
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    expect(configError({ JWT_SECRET_FILE: folder })).toMatch(new RegExp(`JWT_SECRET_FILE: cannot read the file ${folder} \\(EISDIR\\)`));
    const empty = secretFile('\n');
    expect(configError({ DATABASE_URL_FILE: empty })).toContain(`DATABASE_URL_FILE: the file ${empty} is empty`);
  });

  it.skipIf(process.getuid?.() === 0)('a file the server may not read is a start error (EACCES)', () => {
    const path = secretFile(PEPPER);
    chmodSync(path, 0o000);
    expect(configError({ API_KEY_PEPPER_FILE: path })).toMatch(/API_KEY_PEPPER_FILE: cannot read the file .* \(EACCES\)/);
  });

  it('an invalid value from a file names the variable and the file it came from', () => {
    const path = secretFile('too-short-pepper\n');
    const message = configError({ API_KEY_PEPPER_FILE: path });
    expect(message).toContain(`API_KEY_PEPPER (read from API_KEY_PEPPER_FILE ${path}): API_KEY_PEPPER must be at least 32 characters`);
    expect(message).not.toContain('too-short-pepper');
  });

  it('lists every problem at once', () => {
    const message = configError({
      API_KEY_PEPPER_FILE: join(dir, 'missing-pepper'),
      JWT_SECRET: JWT,
      JWT_SECRET_FILE: secretFile(JWT),
      DATABASE_URL_FILE: secretFile('mysql://root:hunter2-db-secret@db/x'),
      PORT: 'not-a-port',
    });
    expect(
      message
        .split('\n')
        .filter((l) => l.startsWith('  '))
        .map((l) => l.trim().split(/[ :]/)[0]),
    ).toEqual(expect.arrayContaining(['API_KEY_PEPPER_FILE', 'JWT_SECRET', 'DATABASE_URL', 'PORT']));
  });

  it('no error message ever contains a secret value, directly given or from a file', () => {
    // Every secret is invalid in some way here, so each one is in an error.
    const secrets = {
      API_KEY_PEPPER: 'short-pepper-SECRET-1',
      API_KEY_PEPPER_PREVIOUS: 'short-prev-SECRET-2',
      JWT_SECRET: 'short-jwt-SECRET-3',
      BOOTSTRAP_ADMIN_PASSWORD: 'pw-SECRET-4',
      DATABASE_URL: 'mysql://root:SECRET-5@db/x',
      REDIS_URL: 'memcached://root:SECRET-6@cache/x',
    };
    const direct = configError({ ...secrets, BOOTSTRAP_ADMIN_EMAIL: 'ops@example.com' });
    const fileEnv: Record<string, string> = { BOOTSTRAP_ADMIN_EMAIL: 'ops@example.com' };
    for (const [name, value] of Object.entries(secrets)) fileEnv[`${name}_FILE`] = secretFile(`${value}\n`);
    const fromFiles = configError(fileEnv);
    const both: Record<string, string> = { ...secrets };
    for (const [name, value] of Object.entries(secrets)) both[`${name}_FILE`] = secretFile(value);
    const doubled = configError(both);
    for (const message of [direct, fromFiles, doubled]) {
      for (const name of Object.keys(secrets)) expect(message).toContain(name);
      for (const value of Object.values(secrets)) {
        expect(message).not.toContain(value);
        expect(message).not.toContain(value.slice(-8));
      }
    }
  });
});
