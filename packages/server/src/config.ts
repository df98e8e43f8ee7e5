import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The settings that are secrets. Each may be given directly (`JWT_SECRET=…`) or, the convention
 * of Docker/Kubernetes secrets, as the path of a file holding it (`JWT_SECRET_FILE=/run/secrets/jwt`):
 * the file is read at start and one trailing newline is stripped. Giving both is an error.
 * Adding a secret setting is one line here (plus its rule in EnvSchema). SPEC §8 (configuration
 * validated at start with clear errors), §7.5 (secrets never in logs: errors name the variable
 * and the file, never the value).
 */
export const SECRET_SETTINGS = [
  'API_KEY_PEPPER',
  'API_KEY_PEPPER_PREVIOUS',
  'JWT_SECRET',
  'BOOTSTRAP_ADMIN_PASSWORD',
  'DATABASE_URL',
  'REDIS_URL',
] as const;

/** Reads a secret file; `readFileSync` in production, a stand-in in unit tests. */
export type ReadSecretFile = (path: string) => string;

interface SecretFiles {
  /** The environment with each `<NAME>_FILE` replaced by `<NAME>` = the file's content. */
  env: Record<string, string | undefined>;
  /** `NAME` → the file it was read from, to name it in validation errors. */
  fromFile: Map<string, string>;
  /** Problems naming the variable and the path, never a value. */
  problems: string[];
}

function isSet(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

/** Resolves every `<NAME>_FILE` of SECRET_SETTINGS; never throws, collects problems instead. */
function readSecretFiles(env: Record<string, string | undefined>, read: ReadSecretFile): SecretFiles {
  const out = { ...env };
  const fromFile = new Map<string, string>();
  const problems: string[] = [];
  for (const name of SECRET_SETTINGS) {
    const fileVar = `${name}_FILE`;
    const path = env[fileVar];
    delete out[fileVar];
    if (!isSet(path)) continue;
    if (isSet(env[name])) {
      problems.push(`  ${name}: set both ${name} and ${fileVar} (${path}); set only one`);
      continue;
    }
    let content: string;
    try {
      content = read(path);
    } catch (error) {
      // The fs error's code only (ENOENT, EACCES, EISDIR…): its message could carry more than we want in a log.
      const code = (error as NodeJS.ErrnoException | null)?.code ?? 'unreadable';
      problems.push(`  ${fileVar}: cannot read the file ${path} (${code})`);
      continue;
    }
    const value = content.replace(/\r?\n$/, '');
    if (value === '') {
      problems.push(`  ${fileVar}: the file ${path} is empty`);
      continue;
    }
    out[name] = value;
    fromFile.set(name, path);
  }
  return { env: out, fromFile, problems };
}

/** An absolute http(s) URL without query or fragment: the base of links the server mints (SPEC §12). */
const PublicBaseUrl = z
  .string()
  .url('must be an absolute http(s) URL')
  .refine((v) => /^https?:\/\//i.test(v), 'must be an http:// or https:// URL')
  .refine((v) => !v.includes('?') && !v.includes('#'), 'must not contain a query or fragment');

/** Comma-separated origins (`scheme://host[:port]`, no path) allowed to call from browsers (SPEC §12). */
const CorsOrigins = z.string().transform((raw, ctx) => {
  const origins = raw
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const o of origins) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(o);
    } catch {
      parsed = null;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== o.replace(/\/$/, '').toLowerCase() || o.endsWith('/')) {
      ctx.addIssue({
        code: 'custom',
        message: `"${o}" is not an origin like https://shop.example.com[:port] (scheme, host and optional port; no path, query or trailing slash)`,
      });
    }
  }
  return origins;
});

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
  PUBLIC_BASE_URL: PublicBaseUrl.optional(),
  PORTAL_BASE_URL: PublicBaseUrl.optional(),
  CORS_ORIGINS: CorsOrigins.optional(),
  CORS_ADMIN_API: z.enum(['true', 'false']).default('false'),
  BOOTSTRAP_ADMIN_EMAIL: z.string().email().optional(),
  BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12, 'BOOTSTRAP_ADMIN_PASSWORD must be at least 12 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(300)
    .default(30 * 86_400),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'REDIS_URL must be a redis:// or rediss:// URL (leave it unset to keep limits per instance)')
    .refine((v) => URL.canParse(v), 'REDIS_URL must be a valid URL')
    .optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'REDIS_KEY_PREFIX must be 1-64 letters, digits, ".", "_", ":" or "-"')
    .default('payment-gateway'),
  REDIS_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(50, 'REDIS_TIMEOUT_MS must be at least 50')
    .max(10_000, 'REDIS_TIMEOUT_MS must be at most 10000')
    .default(500),
  CHECKOUT_TTL_MINUTES: z.coerce.number().int().min(1).max(525_600).default(1_440),
  RECURRING_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400_000, 'RECURRING_INTERVAL_MS must be at most 86400000 (one day)')
    .refine((v) => v === 0 || v >= 100, 'RECURRING_INTERVAL_MS must be 0 (timer off) or at least 100')
    .default(60_000),
  IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).max(104_857_600).default(1_048_576),
  IMPORT_MAX_ROWS: z.coerce.number().int().min(1).max(100_000).default(5_000),
  REQUEST_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1_000, 'REQUEST_TIMEOUT_MS must be at least 1000')
    .max(3_600_000, 'REQUEST_TIMEOUT_MS must be at most 3600000')
    .default(60_000),
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
  /**
   * Base of every link the server mints (magic links; later checkout payment URLs), without a
   * trailing slash; undefined means the server's own listen URL, resolved at mint time (SPEC §12).
   * PUBLIC_BASE_URL, or its alias PORTAL_BASE_URL.
   */
  publicBaseUrl: string | undefined;
  /** Browser origins allowed to call the portal routes (CORS); empty means none (SPEC §12). */
  corsOrigins: string[];
  /** When true, corsOrigins also apply to the rest of /api/v1 (the Admin API). Default false. */
  corsAdminApi: boolean;
  bootstrapAdminEmail: string | undefined;
  bootstrapAdminPassword: string | undefined;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Redis that every instance shares its rate limits on; unset keeps them per instance (SPEC §7.3). */
  redisUrl: string | undefined;
  /** Starts every Redis key, so several deployments can share one Redis. */
  redisKeyPrefix: string;
  /** Longest wait for connecting to Redis and for one command; past it limits count in memory. Milliseconds. */
  redisTimeoutMs: number;
  /** Minutes a checkout stays payable before it reads as expired (SPEC §5, `CHECKOUT_TTL_MINUTES`). @default 1440 */
  checkoutTtlMinutes: number;
  /** Milliseconds between this instance's recurring-processing attempts; 0 = no timer (SPEC §5). Default 60000. */
  recurringIntervalMs: number;
  /** Largest clients CSV one import accepts, in UTF-8 bytes (SPEC §5). Default 1048576. */
  importMaxBytes: number;
  /** Most data rows one clients import accepts (SPEC §5). Default 5000. */
  importMaxRows: number;
  /**
   * Longest time a client may take to send a whole request, headers and body (Node's
   * `requestTimeout`; headers alone get at most 60 s of it). Past it: 408 REQUEST_TIMEOUT and the
   * connection closes, so a body that never arrives in full (a Content-Length larger than what is
   * sent) holds a connection this long at most instead of Node's 300 s. Default 60000.
   */
  requestTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads and validates configuration. A secret setting (SECRET_SETTINGS) may come from the file
 * named by `<NAME>_FILE` instead; errors name the variable and the file, never a value.
 *
 * @throws ConfigError listing every problem at once: invalid values, a secret given both directly
 *   and as a file, an unreadable or empty secret file, a setting PostgreSQL needs that is missing.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  readSecret: ReadSecretFile = (path) => readFileSync(path, 'utf8'),
): ServerConfig {
  const files = readSecretFiles(env, readSecret);
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(files.env).filter(([, v]) => v !== undefined && v !== '')));
  const problems = [...files.problems];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path.join('.');
      const file = files.fromFile.get(name);
      // No rule's message repeats its input today; a secret is redacted should one ever do.
      const secret = (SECRET_SETTINGS as readonly string[]).includes(name) ? files.env[name] : undefined;
      const message = secret ? issue.message.replaceAll(secret, '[REDACTED]') : issue.message;
      problems.push(`  ${name}${file ? ` (read from ${name}_FILE ${file})` : ''}: ${message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  const e = parsed.data;
  if (e.DATABASE_URL && !e.API_KEY_PEPPER) {
    throw new ConfigError(
      'Invalid configuration:\n  API_KEY_PEPPER: required with DATABASE_URL (every instance must share it; or API_KEY_PEPPER_FILE)',
    );
  }
  if (e.DATABASE_URL && !e.JWT_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  JWT_SECRET: required with DATABASE_URL (every instance must share it; or JWT_SECRET_FILE)',
    );
  }
  if (e.PUBLIC_BASE_URL && e.PORTAL_BASE_URL && e.PUBLIC_BASE_URL.replace(/\/+$/, '') !== e.PORTAL_BASE_URL.replace(/\/+$/, '')) {
    throw new ConfigError(
      'Invalid configuration:\n  PUBLIC_BASE_URL and PORTAL_BASE_URL: both set and different (PORTAL_BASE_URL is an alias; set only PUBLIC_BASE_URL)',
    );
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
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? e.PORTAL_BASE_URL)?.replace(/\/+$/, ''),
    corsOrigins: e.CORS_ORIGINS ?? [],
    corsAdminApi: e.CORS_ADMIN_API === 'true',
    bootstrapAdminEmail: e.BOOTSTRAP_ADMIN_EMAIL,
    bootstrapAdminPassword: e.BOOTSTRAP_ADMIN_PASSWORD,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    redisTimeoutMs: e.REDIS_TIMEOUT_MS,
    checkoutTtlMinutes: e.CHECKOUT_TTL_MINUTES,
    recurringIntervalMs: e.RECURRING_INTERVAL_MS,
    importMaxBytes: e.IMPORT_MAX_BYTES,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    importMaxRows: e.IMPORT_MAX_ROWS,
  };
}
