import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { contract } from '@payment-gateway/contract';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import express, { type Express } from 'express';
import type { Principal } from './access/principal.js';
import { createAuthMiddleware } from './http/auth-middleware.js';
import type { ServerConfig } from './config.js';
import { answerClientErrors } from './http/client-error.js';
import { requestTimeouts } from './http/request-timeouts.js';
import { registerAdminPanel } from './http/admin-panel.js';
import { createCors } from './http/cors.js';
import { createErrorHandler, notFoundHandler } from './http/error-handler.js';
import { registerPortalPage } from './portal/page/portal-page.js';
import { ownUrl } from './util/own-url.js';
import {
  jsonBodiesOnly,
  noConditionalRequests,
  verifyJsonText,
  requireHost,
  skipWithoutBody,
  wellFormedText,
} from './http/request-guards.js';
import { requestId } from './http/request-id.js';
import { ContractRouter } from './http/contract-router.js';
import { runBeforeRouter } from './http/before-router.js';
import { composeMiddleware, onPaths } from './http/compose-middleware.js';
import { installJsonResponse } from './http/json-response.js';
import { noStoreByDefault, staticSecurityHeaders } from './http/security-headers.js';
import { registerOrgApiKeyRoutes, registerSystemApiKeyRoutes } from './http/routes/api-keys.js';
import { registerAuthRoutes } from './http/routes/auth.js';
import { registerBillingRoutes } from './http/routes/billing.js';
import { registerCommerceRoutes } from './http/routes/commerce.js';
import { registerCheckoutPage } from './commerce/page/checkout-page.js';
import { isCrossSite } from './http/cross-site.js';
import { clientIpOf } from './http/request-context.js';
import { refuseUndeclaredInput } from './http/undeclared-input.js';
import { createIdempotencyMiddleware } from './http/idempotency.js';
import { IMPORT_PATHS, importBodyParser, registerDataIoRoutes } from './http/routes/data-io.js';
import { registerDocsRoutes } from './http/routes/docs.js';
import { endpointOptions } from './http/routes/endpoints.js';
import { registerOrganizationRoutes } from './http/routes/organization.js';
import { registerPortalRoutes } from './http/routes/portal.js';
import { registerSystemRoutes } from './http/routes/system.js';
import { createRequestLogger } from './logging/request-log.js';
import { createServices, type Services, type ServicesOptions } from './services.js';
import { readyHandler } from './system/ready-handler.js';
import { VERSION } from './version.js';

export interface AppOptions {
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

export interface GatewayOptions extends ServicesOptions, AppOptions {}

/** Everything the server is made of: the services (see createServices) and the HTTP app in front of them. */
export interface Gateway
  extends Pick<
    Services,
    | 'config'
    | 'database'
    | 'feed'
    | 'logger'
    | 'keyCache'
    | 'keys'
    | 'verifier'
    | 'settings'
    | 'organizations'
    | 'users'
    | 'sessions'
    | 'startedAt'
    | 'rotationDue'
    | 'recurring'
  > {
  app: Express;
  /** Listens on config.host:config.port (port 0 = any free port); resolves the bound URL. */
  listen(): Promise<string>;
  /**
   * Graceful shutdown: stops accepting connections, lets requests in flight finish (at most
   * SHUTDOWN_GRACE_MS, then their connections are cut), then closes the services.
   */
  close(): Promise<void>;
}

/**
 * The only place that wires HTTP: the request pipeline (SPEC §7) in front of the services.
 * Order matters; packages/server/README.md (Architecture) describes each stage.
 */
export function createApp(services: Services, options: AppOptions = {}): Express {
  const { config, logger, database, feed, keys, organizations, users, sessions } = services;
  const auth = createAuthMiddleware({
    authenticators: [...services.authenticators],
    organizations,
    limits: services.limits,
    usage: services.usage,
    now: services.now,
    bypassWith: options.authenticationBypass?.principal,
  });

  const app = express();
  app.disable('x-powered-by');
  // API answers are never conditional: no ETag, so no bodiless 304 (every non-2xx has the error body).
  app.set('etag', false);
  installJsonResponse(app);
  if (config.trustProxy) app.set('trust proxy', /^\d+$/.test(config.trustProxy) ? Number(config.trustProxy) : config.trustProxy);
  const s = initServer();
  const endpoints = endpointOptions(auth, refuseUndeclaredInput, createIdempotencyMiddleware(services.commerce.idempotency, logger));
  const health = s.router(contract.health, {
    health: async () => ({ status: 200, body: { status: 'ok' as const } }),
    ready: readyHandler({ database, feed, limits: services.limits }),
  });
  // The contract's routes, dispatched as one layer by method and path prefix (contract-router.ts).
  const routes = new ContractRouter();
  createExpressEndpoints(contract.health, health, routes.target, endpoints);
  registerOrgApiKeyRoutes(routes.target, keys, endpoints);
  registerSystemApiKeyRoutes(routes.target, keys, endpoints);
  registerSystemRoutes(routes.target, services, endpoints);
  registerAuthRoutes(routes.target, { sessions, users }, endpoints);
  registerOrganizationRoutes(routes.target, services, endpoints);
  registerBillingRoutes(routes.target, services.billing, endpoints);
  registerDataIoRoutes(routes.target, services.dataIo, endpoints, logger);
  registerPortalRoutes(routes.target, services.portal, endpoints);
  registerCommerceRoutes(routes.target, services.commerce, endpoints);

  // Every request's steps up to the contract's routes, in this order, as ONE chain run ahead of
  // Express's router (composeMiddleware, runBeforeRouter: the same calls without the router's
  // work; an API request never enters it; bench "pipeline"). What the chain leaves unanswered
  // goes on to the pages below.
  const errorHandler = createErrorHandler(logger);
  runBeforeRouter(
    app,
    composeMiddleware([
      requestId,
      // TLS usually ends at the load balancer: do not ask browsers to upgrade the docs' asset requests.
      // Helmet's headers, computed once (security-headers.ts).
      staticSecurityHeaders({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }),
      noStoreByDefault,
      createRequestLogger(logger, app.response),
      requireHost,
      // Before anything that answers OPTIONS (allowed-methods) or rejects bodies: CORS preflights (SPEC §12).
      createCors(config),
      noConditionalRequests,
      jsonBodiesOnly,
      // The import routes' larger limit first: a parsed body is not parsed again by the next parser.
      onPaths(IMPORT_PATHS, importBodyParser(config.importMaxBytes)),
      skipWithoutBody(express.json({ limit: config.bodyLimit, strict: true, verify: verifyJsonText })),
      wellFormedText,
      routes.middleware(),
    ]),
    errorHandler,
  );

  registerPortalPage(app);
  registerCheckoutPage(app, { payments: services.commerce.payments, isCrossSite, clientIp: clientIpOf });
  registerAdminPanel(app);
  registerDocsRoutes(app);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

/** Builds the services (createServices) and the HTTP app in front of them (createApp). */
export async function createGateway(config: ServerConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const services = await createServices(config, options);
  const { logger, database } = services;
  const app = createApp(services, options);

  let server: Server | null = null;
  const gateway: Gateway = {
    app,
    config,
    database,
    feed: services.feed,
    logger,
    keyCache: services.keyCache,
    keys: services.keys,
    verifier: services.verifier,
    settings: services.settings,
    organizations: services.organizations,
    users: services.users,
    sessions: services.sessions,
    startedAt: services.startedAt,
    rotationDue: services.rotationDue,
    recurring: services.recurring,
    listen: () =>
      new Promise((resolve, reject) => {
        // Node's own Host check answers a bare 400; requireHost answers it in the one error shape.
        server = createServer({ requireHostHeader: false, ...requestTimeouts(config.requestTimeoutMs) }, app);
        server.listen(config.port, config.host, () => {
          const { port } = server!.address() as AddressInfo;
          services.links.boundUrl = ownUrl(config.host, port);
          services.recurringTimer.start();
          resolve(`http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`);
        });
        server.once('error', reject);
        server.keepAliveTimeout = 65_000;
        answerClientErrors(server, logger);
      }),
    close: async () => {
      if (server) {
        const srv: Server = server;
        await closeGracefully(srv, SHUTDOWN_GRACE_MS);
      }
      await services.close();
    },
  };
  logger.debug({ version: VERSION, dialect: database.dialect }, 'gateway created');
  return gateway;
}

/** How long shutdown waits for requests in flight before it cuts their connections. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Stops accepting connections, lets the requests in flight finish (each idle keep-alive
 * connection is closed as soon as its response is sent), and after `graceMs` cuts whatever is
 * still open (a stalled client, a long export), so shutdown is bounded.
 */
function closeGracefully(srv: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const idle = setInterval(() => srv.closeIdleConnections(), 50);
    const cut = setTimeout(() => srv.closeAllConnections(), graceMs);
    srv.close(() => {
      clearInterval(idle);
      clearTimeout(cut);
      resolve();
    });
    srv.closeIdleConnections();
  });
}
