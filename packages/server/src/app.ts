import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { contract } from '@payment-gateway/contract';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { CredentialAuthenticator } from './auth/authenticator.js';
import { KeyAuthenticator } from './auth/key-authenticator.js';
import { SessionAuthenticator } from './auth/session-authenticator.js';
import { PortalSessionAuthenticator } from './auth/portal-session-authenticator.js';
import { ClientService } from './billing/client-service.js';
import { InvoiceService } from './billing/invoice-service.js';
import { ScheduleService } from './billing/schedule-service.js';
import { createAuthMiddleware } from './auth/middleware.js';
import type { Principal } from './access/principal.js';
import type { ServerConfig } from './config.js';
import { answerClientErrors } from './http/client-error.js';
import { createErrorHandler, notFoundHandler } from './http/error-handler.js';
import { createLogger, requestLogOptions, secureLogger } from './http/logger.js';
import { RateLimits } from './limits/rate-limit.js';
import { jsonBodiesOnly, noConditionalRequests, noNulCharacters, requireHost } from './http/request-guards.js';
import { requestId } from './http/request-id.js';
import { registerOrgApiKeyRoutes, registerSystemApiKeyRoutes } from './http/routes/api-keys.js';
import { registerBillingRoutes } from './http/routes/billing.js';
import { registerDocsRoutes } from './http/routes/docs.js';
import { registerAuthRoutes } from './http/routes/auth.js';
import { endpointOptions } from './http/routes/endpoints.js';
import { registerOrganizationRoutes } from './http/routes/organization.js';
import { registerSystemRoutes } from './http/routes/system.js';
import { registerPortalRoutes } from './http/routes/portal.js';
import { SecretHasher } from './keys/hashing.js';
import { KeyCache } from './keys/key-cache.js';
import { findKey, touchLastUsed } from './keys/key-repository.js';
import { KeyService } from './keys/key-service.js';
import { KeyVerifier } from './keys/key-verifier.js';
import { LastUsedRecorder } from './keys/last-used.js';
import { loadOrCreateSecretFile } from './keys/pepper.js';
import { MagicLinkService } from './portal/magic-link-service.js';
import { PortalSessionService } from './portal/portal-session-service.js';
import { InProcessChangeFeed, type ChangeFeed } from './storage/change-feed.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from './storage/database.js';
import { AccessTokens } from './sessions/access-tokens.js';
import { bootstrapAdmin } from './sessions/bootstrap-admin.js';
import { LoginLimiter } from './sessions/login-limiter.js';
import { SessionService } from './sessions/session-service.js';
import { PgChangeFeed } from './storage/pg-change-feed.js';
import { OrganizationService } from './system/organization-service.js';
import { readyHandler } from './system/ready-handler.js';
import { SettingsService } from './settings/settings-service.js';
import { UserService } from './users/user-service.js';
import { VERSION } from './version.js';

export interface GatewayOptions {
  /** Replaces the logger built from config (tests pass a silent one). */
  logger?: Logger;
  /** Clock for services that compare against time (tests). */
  now?: () => Date;
  /**
   * Prints the one-time banner with a generated bootstrap admin password (first start, no
   * BOOTSTRAP_ADMIN_PASSWORD). @default writes to process.stdout
   */
  announce?: (banner: string) => void;
  /**
   * **Benchmarks only.** Every route that requires a credential acts as `principal` without
   * reading, verifying or rate-limiting the request's credential (organization rules and
   * scopes are still applied), so a benchmark can measure what authentication costs on the
   * same route of the same server. Deliberately not reachable from configuration, the
   * environment or the CLI: only code that calls createGateway can set it.
   * @default undefined (every request proves its credential)
   */
  authenticationBypass?: { principal: Principal };
}

/** Everything the server is made of; services never import Express. */
export interface Gateway {
  app: Express;
  config: ServerConfig;
  database: DatabaseHandle;
  feed: ChangeFeed;
  logger: Logger;
  keyCache: KeyCache;
  keys: KeyService;
  verifier: KeyVerifier;
  settings: SettingsService;
  organizations: OrganizationService;
  users: UserService;
  sessions: SessionService;
  startedAt: Date;
  /** Listens on config.host:config.port (port 0 = any free port); resolves the bound URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** The only place that wires things: storage, change feed, services, HTTP. */
export async function createGateway(config: ServerConfig, options: GatewayOptions = {}): Promise<Gateway> {
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
  const settings = new SettingsService(db, feed, config.keyCacheMaxAgeMs);
  const organizations = new OrganizationService(db, feed, settings, config.keyCacheMaxAgeMs);
  const keyCache = new KeyCache(feed, { maxAgeMs: config.keyCacheMaxAgeMs });
  const lastUsed = new LastUsedRecorder((entries) => touchLastUsed(db, entries), config.lastUsedFlushMs, (err) =>
    logger.warn({ err }, 'lastUsedAt flush failed'),
  );
  lastUsed.start();
  const verifier = new KeyVerifier({ cache: keyCache, hasher, load: (id) => findKey(db, id), touch: (id, at) => lastUsed.touch(id, at), now });
  const keys = new KeyService({ db, feed, hasher, settings, now });
  const limits = new RateLimits({
    perMinute: config.rateLimitPerMinute,
    per5Minutes: config.rateLimitPer5Minutes,
    authFailuresPerMinute: config.authFailureLimitPerMinute,
    ipv6PrefixLength: config.rateLimitIpv6Prefix,
  });
  const users = new UserService(db, feed, config.keyCacheMaxAgeMs);
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
  const authenticators: CredentialAuthenticator[] = [new KeyAuthenticator(verifier), new SessionAuthenticator(accessTokens, sessions, users, now)];
  // Billing resources and the customer portal (SPEC §5, §6).
  const clients = new ClientService({ db, now });
  const billing = { clients, invoices: new InvoiceService({ db, now }, clients), schedules: new ScheduleService({ db, now }, clients) };
  const portal = {
    magicLinks: new MagicLinkService({ db, settings, organizations, portalBaseUrl: config.portalBaseUrl, limiter: limits, now }),
    sessions: new PortalSessionService({ db, settings, organizations, now }),
  };
  authenticators.push(new PortalSessionAuthenticator(portal.sessions));
  const auth = createAuthMiddleware({ authenticators, organizations, limits, bypassWith: options.authenticationBypass?.principal });

  const app = express();
  app.disable('x-powered-by');
  // API answers are never conditional: no ETag, so no bodiless 304 (every non-2xx has the error body).
  app.set('etag', false);
  if (config.trustProxy) app.set('trust proxy', /^\d+$/.test(config.trustProxy) ? Number(config.trustProxy) : config.trustProxy);
  app.use(requestId);
  // TLS usually ends at the load balancer: do not ask browsers to upgrade the docs' asset requests.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(pinoHttp({ logger, genReqId: (req) => (req as express.Request).requestId, autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/health/ready' }, ...requestLogOptions }));
  app.use(requireHost);
  app.use(noConditionalRequests);
  app.use(jsonBodiesOnly);
  app.use(express.json({ limit: config.bodyLimit, strict: true }));
  app.use(noNulCharacters);

  const startedAt = new Date();
  const s = initServer();
  const endpoints = endpointOptions(auth);
  createExpressEndpoints(contract.health, s.router(contract.health, { health: async () => ({ status: 200, body: { status: 'ok' as const } }), ready: readyHandler({ database, feed }) }), app, endpoints);
  registerOrgApiKeyRoutes(app, keys, endpoints);
  registerSystemApiKeyRoutes(app, keys, endpoints);
  registerSystemRoutes(app, { database, feed, keyCache, settings, organizations, users, startedAt }, endpoints);
  registerAuthRoutes(app, { sessions, users }, endpoints);
  registerOrganizationRoutes(app, { organizations, db }, endpoints);
  registerBillingRoutes(app, billing, endpoints);
  registerPortalRoutes(app, portal, endpoints);

  registerDocsRoutes(app);
  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));

  let server: Server | null = null;
  const gateway: Gateway = {
    app,
    config,
    database,
    feed,
    logger,
    keyCache,
    keys,
    verifier,
    settings,
    organizations,
    users,
    sessions,
    startedAt,
    listen: () =>
      new Promise((resolve, reject) => {
        // Node's own Host check answers a bare 400; requireHost answers it in the one error shape.
        server = createServer({ requireHostHeader: false }, app);
        server.listen(config.port, config.host, () => {
          const { port } = server!.address() as AddressInfo;
          resolve(`http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`);
        });
        server.once('error', reject);
        server.keepAliveTimeout = 65_000;
        answerClientErrors(server, logger);
      }),
    close: async () => {
      if (server) {
        const srv: Server = server;
        await new Promise<void>((resolve) => {
          srv.close(() => resolve());
          srv.closeAllConnections();
        });
      }
      await lastUsed.stop().catch(() => {});
      await feed.close();
      await database.close();
    },
  };
  logger.debug({ version: VERSION, dialect: database.dialect }, 'gateway created');
  return gateway;
}
