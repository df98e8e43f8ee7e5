import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type ErrorRequestHandler, type IRouter, type RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractRouter } from './contract-router.js';

/** Routes shaped like the contract's: literal prefixes, parameters, a literal beside a parameter. */
const ROUTES: [method: 'get' | 'post' | 'delete', path: string][] = [
  ['get', '/api/v1/auth/whoami'],
  ['get', '/api/v1/invoices/recurring'],
  ['get', '/api/v1/invoices/:id'],
  ['post', '/api/v1/invoices/recurring/:id/pause'],
  ['get', '/api/v1/organizations/:orgId/api-keys'],
  ['delete', '/api/v1/organizations/:orgId/api-keys/:keyId'],
  ['get', '/health'],
  ['get', '/api/v1/boom'],
];

/** Mounts ROUTES on `target` as ts-rest does: each answers which route matched and its params. */
function mount(target: IRouter): void {
  ROUTES.forEach(([method, path], i) => {
    const marker: RequestHandler = (req, _res, next) => {
      (req as { mark?: number }).mark = i;
      next();
    };
    const handler: RequestHandler = (req, res, next) => {
      if (path === '/api/v1/boom') return next(new Error('boom'));
      res.json({ route: `${method.toUpperCase()} ${path}`, params: { ...req.params }, mark: (req as { mark?: number }).mark });
    };
    target[method](path, marker, handler);
  });
  // ts-rest adds an error handler after each router; it passes what it does not own on.
  target.use(((err, _req, _res, next) => next(err)) as ErrorRequestHandler);
}

/** An app whose contract routes are mounted by `mountRoutes`, then the app's own 404/405 and error answers. */
function appWith(mountRoutes: (app: express.Express) => void): express.Express {
  const app = express();
  mountRoutes(app);
  app.use((req, res) => {
    res.status(404).json({ fallthrough: `${req.method} ${req.path}` });
  });
  app.use(((err, _req, res, _next) => {
    res.status((err as { status?: number }).status ?? 500).json({ error: (err as Error).message });
  }) as ErrorRequestHandler);
  return app;
}

const servers: Server[] = [];
async function listen(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let viaExpress: string;
let viaContractRouter: string;
beforeAll(async () => {
  viaExpress = await listen(appWith((app) => mount(app)));
  viaContractRouter = await listen(
    appWith((app) => {
      const routes = new ContractRouter();
      mount(routes.target);
      app.use(routes.middleware());
    }),
  );
});
afterAll(() => {
  for (const server of servers) server.close();
});

async function answer(base: string, method: string, path: string) {
  const res = await fetch(`${base}${path}`, { method });
  return { status: res.status, body: method === 'HEAD' ? '' : await res.text(), length: res.headers.get('content-length') };
}

describe('ContractRouter', () => {
  it.each([
    ['GET', '/api/v1/auth/whoami'],
    ['GET', '/API/V1/Auth/WhoAmI'],
    ['GET', '/api/v1/auth/whoami/'],
    ['GET', '/api/v1/auth/whoami//'],
    ['GET', '//api/v1/auth/whoami'],
    ['GET', '/api/v1/auth/whoami?x=1'],
    ['GET', '/api/v1/auth/who%61mi'],
    ['GET', '/api/v1/invoices/recurring'],
    ['GET', '/api/v1/invoices/inv_123'],
    ['GET', '/api/v1/invoices/a%2Fb'],
    ['GET', '/api/v1/invoices/%C3%A9t%C3%A9'],
    ['GET', '/api/v1/invoices/%zz'],
    ['GET', '/api/v1/invoices/%'],
    ['GET', '/api/v1/invoices/%E2%82'],
    ['GET', '/api/v1/invoices/'],
    ['GET', '/api/v1/invoices/a/b'],
    ['POST', '/api/v1/invoices/recurring/rec_1/pause'],
    ['POST', '/api/v1/invoices/recurring/rec_1/PAUSE/'],
    ['POST', '/api/v1/invoices/recurring/%G0/pause'],
    ['GET', '/api/v1/invoices/recurring/rec_1/pause'],
    ['GET', '/api/v1/organizations/org_1/api-keys'],
    ['DELETE', '/api/v1/organizations/org_1/api-keys/key_1'],
    ['PUT', '/api/v1/organizations/org_1/api-keys/key_1'],
    ['HEAD', '/api/v1/auth/whoami'],
    ['HEAD', '/api/v1/invoices/inv_1'],
    ['OPTIONS', '/api/v1/auth/whoami'],
    ['GET', '/health'],
    ['GET', '/Health/'],
    ['GET', '/'],
    ['GET', '/api'],
    ['GET', '/api/v1/unknown/thing'],
    ['GET', '/api/v1/boom'],
    ['PATCH', '/api/v1/auth/whoami'],
  ])('%s %s answers exactly as the same routes mounted on Express', async (method, path) => {
    const expected = await answer(viaExpress, method, path);
    expect(await answer(viaContractRouter, method, path)).toEqual(expected);
  });

  it('runs a route’s handlers in order and the first registered route that matches wins', async () => {
    const body = JSON.parse((await answer(viaContractRouter, 'GET', '/api/v1/invoices/recurring')).body);
    expect(body).toEqual({ route: 'GET /api/v1/invoices/recurring', params: {}, mark: 1 });
    const param = JSON.parse((await answer(viaContractRouter, 'GET', '/api/v1/invoices/a%2Fb')).body);
    expect(param).toEqual({ route: 'GET /api/v1/invoices/:id', params: { id: 'a/b' }, mark: 2 });
  });

  it('answers a malformed percent-encoding in a parameter with a 400 error, as Express does', async () => {
    const res = await answer(viaContractRouter, 'GET', '/api/v1/invoices/%zz');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: "Failed to decode param '%zz'" });
  });

  it('refuses what it cannot dispatch: a middleware that is no error handler, a route after the middleware is built', () => {
    const routes = new ContractRouter();
    mount(routes.target);
    expect(() => routes.target.use((_req: unknown, _res: unknown, next: () => void) => next())).toThrow(/only error handlers/);
    routes.middleware();
    expect(() => routes.target.get('/late', (_req, res) => res.end())).toThrow(/before middleware/);
  });
});
