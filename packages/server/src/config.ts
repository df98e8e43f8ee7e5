import { z } from 'zod';

/** Every setting the server reads from the environment, validated at start (see the server README). */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('.data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite database)')
    .optional(),
  API_KEY_PEPPER: z.string().min(32, 'API_KEY_PEPPER must be at least 32 characters of high-entropy secret').optional(),
  API_KEY_PEPPER_VERSION: z.coerce.number().int().min(1).default(1),
  API_KEY_PEPPER_PREVIOUS: z.string().min(32).optional(),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.string().optional(),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'BODY_LIMIT must look like 100kb')
    .default('100kb'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(100),
  RATE_LIMIT_PER_5_MINUTES: z.coerce.number().int().min(1).default(500),
  AUTH_FAILURE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  RATE_LIMIT_IPV6_PREFIX: z.coerce.number().int().min(1).max(128).default(64),
  LOGIN_FAILURE_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  KEY_CACHE_MAX_AGE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  LAST_USED_FLUSH_MS: z.coerce.number().int().min(100).default(10_000),
  DATABASE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100, 'DATABASE_TIMEOUT_MS must be at least 100')
    .max(60_000, 'DATABASE_TIMEOUT_MS must be at most 60000')
    .default(2_000),
  FEED_LIVENESS_MS: z.coerce
    .number()
    .int()
    .min(100, 'FEED_LIVENESS_MS must be at least 100')
    .max(60_000, 'FEED_LIVENESS_MS must be at most 60000')
    .default(1_000),
  PORTAL_BASE_URL: z.string().url().default('http://localhost:3000'),
  BOOTSTRAP_ADMIN_EMAIL: z.string().email().optional(),
  BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12, 'BOOTSTRAP_ADMIN_PASSWORD must be at least 12 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(300)
    .default(30 * 86_400),
});

export interface ServerConfig {
  port: number;
  host: string;
  /** Directory of the embedded database and the generated pepper/JWT secret. */
  dataDir: string;
  /** PostgreSQL URL; unset means the embedded SQLite database in dataDir. */
  databaseUrl: string | undefined;
  pepper: string | undefined;
  pepperVersion: number;
  previousPepper: string | undefined;
  jwtSecret: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Express `trust proxy` setting (e.g. `1` or `loopback`); unset trusts no proxy headers. */
  trustProxy: string | undefined;
  bodyLimit: string;
  rateLimitPerMinute: number;
  rateLimitPer5Minutes: number;
  authFailureLimitPerMinute: number;
  /** Per-IP limits count an IPv6 client by its network of this many bits (SPEC §7.3). */
  rateLimitIpv6Prefix: number;
  /** Failed sign-ins per account (email) per 15 minutes before it is refused with 429. */
  loginFailureLimitPerAccount: number;
  keyCacheMaxAgeMs: number;
  lastUsedFlushMs: number;
  /**
   * Longest wait on the database per step (connect, pool checkout, statement, round trip);
   * past it the request answers 503 SERVICE_UNAVAILABLE (SPEC §7.4). Milliseconds.
   */
  databaseTimeoutMs: number;
  /**
   * How long the change feed is trusted without hearing its own heartbeat; past it every cache
   * reads through and /health/ready answers 503 (SPEC §7.4). Milliseconds.
   */
  feedLivenessMs: number;
  portalBaseUrl: string;
  bootstrapAdminEmail: string | undefined;
  bootstrapAdminPassword: string | undefined;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates configuration; throws ConfigError listing every problem at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.DATABASE_URL && !e.API_KEY_PEPPER) {
    throw new ConfigError('Invalid configuration:\n  API_KEY_PEPPER: required with DATABASE_URL (every instance must share it)');
  }
  if (e.DATABASE_URL && !e.JWT_SECRET) {
    throw new ConfigError('Invalid configuration:\n  JWT_SECRET: required with DATABASE_URL (every instance must share it)');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    pepper: e.API_KEY_PEPPER,
    pepperVersion: e.API_KEY_PEPPER_VERSION,
    previousPepper: e.API_KEY_PEPPER_PREVIOUS,
    jwtSecret: e.JWT_SECRET,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    bodyLimit: e.BODY_LIMIT,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    rateLimitPer5Minutes: e.RATE_LIMIT_PER_5_MINUTES,
    authFailureLimitPerMinute: e.AUTH_FAILURE_LIMIT_PER_MINUTE,
    rateLimitIpv6Prefix: e.RATE_LIMIT_IPV6_PREFIX,
    loginFailureLimitPerAccount: e.LOGIN_FAILURE_LIMIT_PER_ACCOUNT,
    keyCacheMaxAgeMs: e.KEY_CACHE_MAX_AGE_MS,
    lastUsedFlushMs: e.LAST_USED_FLUSH_MS,
    databaseTimeoutMs: e.DATABASE_TIMEOUT_MS,
    feedLivenessMs: e.FEED_LIVENESS_MS,
    portalBaseUrl: e.PORTAL_BASE_URL,
    bootstrapAdminEmail: e.BOOTSTRAP_ADMIN_EMAIL,
    bootstrapAdminPassword: e.BOOTSTRAP_ADMIN_PASSWORD,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
  };
}
