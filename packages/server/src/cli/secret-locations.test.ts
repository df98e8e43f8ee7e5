import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redactDatabaseUrl } from './existing-database.js';
import { secretLocations } from './secret-locations.js';

describe('secretLocations: where the pepper and JWT secret are, never what they are', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-secret-locations-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('names the generated files of DATA_DIR by absolute path', () => {
    writeFileSync(join(dataDir, 'api-key-pepper'), 'generated-pepper-value-0123456789abcdef\n');
    const locations = secretLocations({}, dataDir);
    expect(locations.map((l) => l.instruction)).toEqual([
      `API_KEY_PEPPER_FILE=${join(dataDir, 'api-key-pepper')}`,
      `(${join(dataDir, 'jwt-secret')} does not exist: no JWT_SECRET was ever generated)`,
    ]);
    expect(JSON.stringify(locations)).not.toContain('generated-pepper-value');
  });

  it('prefers the settings the server would use: <NAME>_FILE, then <NAME> (named, never printed)', () => {
    const env = {
      API_KEY_PEPPER: 'env-pepper-SECRET-0123456789abcdefghijklmn',
      API_KEY_PEPPER_PREVIOUS_FILE: '/run/secrets/previous',
      JWT_SECRET_FILE: '/run/secrets/jwt',
    };
    const locations = secretLocations(env, dataDir);
    expect(locations.map((l) => [l.setting, l.source, l.path])).toEqual([
      ['API_KEY_PEPPER', 'environment', undefined],
      ['API_KEY_PEPPER_PREVIOUS', 'file', '/run/secrets/previous'],
      ['JWT_SECRET', 'file', '/run/secrets/jwt'],
    ]);
    expect(JSON.stringify(locations)).not.toContain(env.API_KEY_PEPPER);
  });
});

describe('redactDatabaseUrl', () => {
  it('hides the password wherever the URL carries it, encoded characters included', () => {
    expect(redactDatabaseUrl('postgres://gw:s3cr%40t%2F@db:5432/gateway')).toBe('postgres://gw:***@db:5432/gateway');
    expect(redactDatabaseUrl('postgresql://gw@db/gateway?sslmode=require&password=s3cret')).toBe(
      'postgresql://gw@db/gateway?sslmode=require&password=***',
    );
    expect(redactDatabaseUrl('postgres://gw@db/gateway')).toBe('postgres://gw@db/gateway');
  });
});
