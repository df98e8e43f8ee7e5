import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('loadConfig did not throw');
}

// SPEC §7.3: REDIS_URL shares every limit across instances; validated at start like every setting.
describe('Redis settings', () => {
  it('defaults: no Redis (limits per instance), prefix payment-gateway, 500 ms timeout', () => {
    expect(loadConfig({})).toMatchObject({ redisUrl: undefined, redisKeyPrefix: 'payment-gateway', redisTimeoutMs: 500 });
    expect(loadConfig({ REDIS_URL: '' }).redisUrl).toBeUndefined();
  });

  it('accepts redis:// and rediss:// URLs, a prefix per deployment and a timeout', () => {
    expect(
      loadConfig({ REDIS_URL: 'rediss://:pw@redis.internal:6380/1', REDIS_KEY_PREFIX: 'shop-eu:gw', REDIS_TIMEOUT_MS: '250' }),
    ).toMatchObject({ redisUrl: 'rediss://:pw@redis.internal:6380/1', redisKeyPrefix: 'shop-eu:gw', redisTimeoutMs: 250 });
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).toBe('redis://127.0.0.1:6379');
  });

  it.each([
    [{ REDIS_URL: 'http://user:PASSWORD-1@redis:6379' }, 'REDIS_URL: REDIS_URL must be a redis:// or rediss:// URL'],
    [{ REDIS_URL: 'redis://user:PASSWORD-2@[bad' }, 'REDIS_URL: REDIS_URL must be a valid URL'],
    [{ REDIS_KEY_PREFIX: 'has space' }, 'REDIS_KEY_PREFIX: REDIS_KEY_PREFIX must be 1-64 letters'],
    [{ REDIS_KEY_PREFIX: 'x'.repeat(65) }, 'REDIS_KEY_PREFIX: REDIS_KEY_PREFIX must be 1-64 letters'],
    [{ REDIS_TIMEOUT_MS: '10' }, 'REDIS_TIMEOUT_MS: REDIS_TIMEOUT_MS must be at least 50'],
    [{ REDIS_TIMEOUT_MS: '60000' }, 'REDIS_TIMEOUT_MS: REDIS_TIMEOUT_MS must be at most 10000'],
  ])('refuses %o at start, naming the setting and never the password', (env, expected) => {
    const message = configError(env);
    expect(message).toContain(expected);
    expect(message).not.toMatch(/PASSWORD-\d/);
  });
});
