import type { Logger } from 'pino';
import type { CredentialAuthenticator } from './auth/authenticator.js';
import { KeyAuthenticator } from './auth/key-authenticator.js';
import { PortalSessionAuthenticator } from './auth/portal-session-authenticator.js';
import { SessionAuthenticator } from './auth/session-authenticator.js';
import { AuditService } from './audit/audit-service.js';
import { ClientService } from './billing/client-service.js';
import { InvoiceService } from './billing/invoice-service.js';
import { RecurringService } from './billing/recurring-service.js';
import { RecurringTimer } from './billing/recurring-timer.js';
import { ScheduleService } from './billing/schedule-service.js';
import { CheckoutService } from './commerce/checkout-service.js';
import { CreditNoteService } from './commerce/credit-note-service.js';
import { testProvider } from './commerce/payment-provider.js';
import { PaymentService } from './commerce/payment-service.js';
import { SiteService } from './commerce/site-service.js';
import { TransactionService } from './commerce/transaction-service.js';
import type { ServerConfig } from './config.js';
import { IdempotencyStore } from './idempotency/idempotency-store.js';
import { SecretHasher } from './keys/hashing.js';
import { KeyCache } from './keys/key-cache.js';
import { findKey } from './keys/key-repository.js';
import { KeyService } from './keys/key-service.js';
import { KeyVerifier } from './keys/key-verifier.js';
import { LastUsedRecorder, writeKeyActivity } from './keys/last-used.js';
import { RotationDueNotifier } from './keys/rotation-notifier.js';
import { sweepRotationDue } from './keys/rotation-due-sweep.js';
import { ownUrl } from './util/own-url.js';
import { loadOrCreateSecretFile } from './keys/pepper.js';
import { openLimitStore } from './limits/open-limit-store.js';
import { RateLimits } from './limits/rate-limit.js';
import { createLogger, secureLogger } from './logging/logger.js';
import { MagicLinkService } from './portal/magic-link-service.js';
import { PortalSessionService } from './portal/portal-session-service.js';
import { AccessTokens } from './sessions/access-tokens.js';
import { bootstrapAdmin } from './sessions/bootstrap-admin.js';
import { LoginLimiter } from './sessions/login-limiter.js';
import { SessionService } from './sessions/session-service.js';
import { SettingsService } from './settings/settings-service.js';
import { ClientImportService } from './data-io/client-import.js';
import { DataExportService } from './data-io/export-service.js';
import { InProcessChangeFeed, type ChangeFeed } from './storage/change-feed.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from './storage/database.js';
import { PgChangeFeed } from './storage/pg-change-feed.js';
import { OrganizationService } from './system/organization-service.js';
import { UserService } from './users/user-service.js';

export interface ServicesOptions {
  /** Replaces the logger built from config (tests pass a silent one). */
  logger?: Logger;
  /** Clock for services that compare against time (tests). @default () => new Date() */
  now?: () => Date;
  /**
   * Prints the one-time banner with a generated bootstrap admin password (first start, no
   * BOOTSTRAP_ADMIN_PASSWORD). @default writes to process.stdout
   */
  announce?: (banner: string) => void;
}

/** Billing resources (SPEC §5). */
export interface BillingServices {
  clients: ClientService;
  invoices: InvoiceService;
  schedules: ScheduleService;
}

/** Commerce (SPEC §5, §12): sites, checkouts and their payment page, transactions, credit notes. */
export interface CommerceServices {
  sites: SiteService;
  checkouts: CheckoutService;
  payments: PaymentService;
  transactions: TransactionService;
  creditNotes: CreditNoteService;
  /** Stored responses of Idempotency-Key requests. */
  idempotency: IdempotencyStore;
}

/** Data export, templates and clients import (SPEC §5). */
export interface DataIoServices {
  exports: DataExportService;
  imports: ClientImportService;
}

/** The customer portal (SPEC §6). */
export interface PortalServices {
  magicLinks: MagicLinkService;
  sessions: PortalSessionService;
}

/**
 * Everything the server does, without a transport: storage, the change feed and every service.
 * Nothing here imports Express, so tests, the CLI and other transports drive the same services.
 */
export interface Services {
  config: ServerConfig;
  logger: Logger;
  /** The clock every service reads. */
  now: () => Date;
  database: DatabaseHandle;
  feed: ChangeFeed;
  keyCache: KeyCache;
  keys: KeyService;
  verifier: KeyVerifier;
  settings: SettingsService;
  organizations: OrganizationService;
  users: UserService;
  sessions: SessionService;
  billing: BillingServices;
  commerce: CommerceServices;
  /** Recurring processing (SPEC §5): runs on demand (POST /system/recurring/process) and by recurringTimer. */
  recurring: RecurringService;
  /** This instance's recurring-processing timer (RECURRING_INTERVAL_MS); the gateway starts it when it listens. */
  recurringTimer: RecurringTimer;
  dataIo: DataIoServices;
  /** Reads the audit log. */
  audit: AuditService;
  portal: PortalServices;
  /** Rate limits (SPEC §7.3), shared by authentication and sign-in; on Redis with REDIS_URL, else per instance. */
  limits: RateLimits;
  /** Counts each proven key's requests per hour, flushed in batches with lastUsedAt (never a write per request). */
  usage: LastUsedRecorder;
  /** Where this instance listens, once it does: the default base of minted links (SPEC §12, PUBLIC_BASE_URL). */
  links: LinkBase;
  /**
   * The `api_key.rotation_due` audit events of keys nobody uses (used keys get theirs on first
   * use once due): `sweep()` runs hourly on every instance; the event is still written once.
   */
  rotationDue: { sweep(): Promise<number> };
  /** Which pepper hashes new secrets and whether a previous one is still accepted (GET /system/health). */
  pepper: PepperInfo;
  /** Credential authenticators, tried in order by the auth middleware. */
  authenticators: readonly CredentialAuthenticator[];
  startedAt: Date;
  /** Stops background work and closes the change feed and the database. */
  close(): Promise<void>;
}

/** How often each instance looks for keys that fell due unused (issue 17). */
const ROTATION_SWEEP_INTERVAL_MS = 3_600_000;

/** The peppers this instance holds (API_KEY_PEPPER_VERSION, API_KEY_PEPPER_PREVIOUS); never the secrets. */
export interface PepperInfo {
  currentVersion: number;
  previousConfigured: boolean;
}

/** The URL this instance was bound to, set by listen(). */
export interface LinkBase {
  boundUrl?: string;
}

/**
 * Opens and migrates the database, starts the change feed and builds every service.
 * @throws whatever opening or migrating the database throws (connection errors, DATABASE_UNAVAILABLE).
 */
export async function createServices(config: ServerConfig, options: ServicesOptions = {}): Promise<Services> {
  // Redaction and the credential scrub apply here as well, so an injected logger never prints credentials either.
  const logger = secureLogger(options.logger ?? createLogger(config.logLevel));
  const now = options.now ?? (() => new Date());
  const database = openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    timeoutMs: config.databaseTimeoutMs,
    onConnectionError: (err) => logger.warn({ err: err.message }, 'database connection lost'),
  });
  await migrateToLatest(database);

  const feed: ChangeFeed = config.databaseUrl
    ? new PgChangeFeed({
        connectionString: config.databaseUrl,
        livenessMs: config.feedLivenessMs,
        timeoutMs: config.databaseTimeoutMs,
        onError: (err) => logger.warn({ err: err.message }, 'change feed connection lost'),
        onStatus: (status) => logger.info({ status }, 'change feed status'),
      })
    : new InProcessChangeFeed({ dataVersion: database.dataVersion });
  await feed.start();

  const pepper = config.pepper ?? loadOrCreateSecretFile(config.dataDir, 'api-key-pepper');
  const previous = new Map<number, string>();
  if (config.previousPepper) previous.set(config.pepperVersion - 1, config.previousPepper);
  const hasher = new SecretHasher({ current: { version: config.pepperVersion, secret: pepper }, previous });

  const { db } = database;
  const settings = new SettingsService({ db, feed, cacheMaxAgeMs: config.keyCacheMaxAgeMs, now });
  const organizations = new OrganizationService({ db, feed, settings, cacheMaxAgeMs: config.keyCacheMaxAgeMs, now });
  const keyCache = new KeyCache(feed, { maxAgeMs: config.keyCacheMaxAgeMs });
  const lastUsed = new LastUsedRecorder(
    (batch) => writeKeyActivity(db, batch, now()),
    config.lastUsedFlushMs,
    (err) => logger.warn({ err }, 'lastUsedAt flush failed'),
  );
  lastUsed.start();
  const verifier = new KeyVerifier({
    cache: keyCache,
    hasher,
    load: (id) => findKey(db, id),
    touch: (id, at) => lastUsed.touch(id, at),
    now,
  });
  const keys = new KeyService({ db, feed, hasher, settings, now });
  const rotationNotifier = new RotationDueNotifier({ db, now, onError: (err) => logger.warn({ err }, 'rotation-due audit event failed') });
  const rotationDue = { sweep: async () => sweepRotationDue(db, rotationNotifier, (await settings.get()).keyPolicy, now()) };
  const rotationSweep = setInterval(() => {
    rotationDue.sweep().catch((err: unknown) => logger.warn({ err }, 'rotation-due sweep failed'));
  }, ROTATION_SWEEP_INTERVAL_MS);
  rotationSweep.unref();
  const limits = new RateLimits({
    perMinute: config.rateLimitPerMinute,
    per5Minutes: config.rateLimitPer5Minutes,
    authFailuresPerMinute: config.authFailureLimitPerMinute,
    ipv6PrefixLength: config.rateLimitIpv6Prefix,
    store: await openLimitStore({ ...config, logger }),
  });
  const users = new UserService({ db, feed, cacheMaxAgeMs: config.keyCacheMaxAgeMs, now });
  await bootstrapAdmin(users, {
    email: config.bootstrapAdminEmail,
    password: config.bootstrapAdminPassword,
    logger,
    ...(options.announce ? { announce: options.announce } : {}),
  });
  const accessTokens = new AccessTokens({
    secret: config.jwtSecret ?? loadOrCreateSecretFile(config.dataDir, 'jwt-secret'),
    ttlSeconds: config.accessTokenTtlSeconds,
    now,
  });
  const sessions = new SessionService({
    db,
    feed,
    users,
    tokens: accessTokens,
    limiter: new LoginLimiter(limits, { failuresPerAccount: config.loginFailureLimitPerAccount }),
    refreshTtlSeconds: config.refreshTokenTtlSeconds,
    cacheMaxAgeMs: config.keyCacheMaxAgeMs,
    now,
  });
  const authenticators: CredentialAuthenticator[] = [
    new KeyAuthenticator(verifier, { policy: async () => (await settings.get()).keyPolicy, notifier: rotationNotifier, now }),
    new SessionAuthenticator({ tokens: accessTokens, sessions, users, now }),
  ];
  // The listen URL, recorded by the gateway's listen(): the default base of minted links (PORT=0 is known only then).
  const links: LinkBase = {};
  // Billing resources and the customer portal (SPEC §5, §6).
  const clients = new ClientService({ db, now });
  const billing = { clients, invoices: new InvoiceService({ db, clients, now }), schedules: new ScheduleService({ db, clients, now }) };
  const portal = {
    magicLinks: new MagicLinkService({
      db,
      settings,
      organizations,
      publicBaseUrl: () => config.publicBaseUrl ?? links.boundUrl ?? ownUrl(config.host, config.port),
      limiter: limits,
      now,
    }),
    sessions: new PortalSessionService({ db, settings, organizations, now }),
  };
  authenticators.push(new PortalSessionAuthenticator(portal.sessions));
  const sites = new SiteService({ db, now, dialect: database.dialect });
  const commerce: CommerceServices = {
    sites,
    checkouts: new CheckoutService({
      db,
      sites,
      now,
      ttlMinutes: config.checkoutTtlMinutes,
      publicBaseUrl: () => config.publicBaseUrl ?? links.boundUrl ?? ownUrl(config.host, config.port),
    }),
    payments: new PaymentService({ db, now, provider: testProvider }),
    transactions: new TransactionService({ db, sites, now }),
    creditNotes: new CreditNoteService({ db, now }),
    idempotency: new IdempotencyStore({ db, now, lateCommitMs: 2 * database.timeoutMs }),
  };
  const recurring = new RecurringService({
    db,
    dialect: database.dialect,
    now,
    onScheduleError: (err, scheduleId) => logger.error({ err, scheduleId }, 'recurring schedule failed'),
  });
  const recurringTimer = new RecurringTimer(recurring, {
    intervalMs: config.recurringIntervalMs,
    onError: (err) => logger.warn({ err }, 'recurring processing run failed'),
    onRun: (run) =>
      logger.info(
        { runId: run.id, generated: run.generated, completed: run.completed, errors: run.errors.length },
        'recurring processing run',
      ),
  });
  const dataIo: DataIoServices = {
    exports: new DataExportService({ db, now }),
    imports: new ClientImportService({ db, now, limits: { maxBytes: config.importMaxBytes, maxRows: config.importMaxRows } }),
  };

  return {
    config,
    logger,
    now,
    database,
    feed,
    keyCache,
    keys,
    verifier,
    settings,
    organizations,
    users,
    sessions,
    billing,
    commerce,
    recurring,
    recurringTimer,
    dataIo,
    audit: new AuditService({ db }),
    portal,
    limits,
    usage: lastUsed,
    links,
    rotationDue,
    pepper: { currentVersion: config.pepperVersion, previousConfigured: config.previousPepper !== undefined },
    authenticators,
    // Wall time, as uptime (GET /system/health) is measured against Date.now().
    startedAt: new Date(),
    close: async () => {
      clearInterval(rotationSweep);
      commerce.idempotency.stop();
      await recurringTimer.stop().catch(() => {});
      await lastUsed.stop().catch(() => {});
      await feed.close();
      await limits.close();
      await database.close();
      // Log lines are written asynchronously (createLogger): none is lost at shutdown.
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    },
  };
}
