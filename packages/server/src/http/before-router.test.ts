import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBeforeRouter } from './before-router.js';

const seen: string[] = [];
const steps: RequestHandler = (req, res, next) => {
  // What the router would have given the first middleware: Express's req/res and the URL fields.
  seen.push(`${typeof res.json}|${req.originalUrl}|${req.baseUrl}|${req.res === res}`);
  if (req.path === '/api') return void res.json({ by: 'steps' });
  if (req.path === '/throw') throw new Error('thrown');
  if (req.path === '/fail') return next(Object.assign(new Error('failed'), { status: 418 }));
  next();
};
const onError: ErrorRequestHandler = (err, _req, res, _next) => {
  res.status((err as { status?: number }).status ?? 500).json({ error: (err as Error).message });
};

let base: string;
let close: () => void;
beforeAll(async () => {
  const app = express();
  runBeforeRouter(app, steps, onError);
  app.get('/page', (req, res) => {
    res.json({ by: 'router', originalUrl: req.originalUrl });
  });
  app.use((_req, res) => {
    res.status(404).json({ by: 'not found' });
  });
  app.use(onError);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

async function get(path: string) {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, body: await res.json(), poweredBy: res.headers.get('x-powered-by') };
}

describe('runBeforeRouter', () => {
  it('lets the steps answer with Express’s req and res before the router runs', async () => {
    seen.length = 0;
    expect(await get('/api?x=1')).toEqual({ status: 200, body: { by: 'steps' }, poweredBy: 'Express' });
    expect(seen).toEqual(['function|/api?x=1||true']);
  });

  it('hands what the steps pass on to the app’s router, once', async () => {
    seen.length = 0;
    expect(await get('/page?y=2')).toEqual({ status: 200, body: { by: 'router', originalUrl: '/page?y=2' }, poweredBy: 'Express' });
    expect((await get('/nothing')).body).toEqual({ by: 'not found' });
    expect(seen).toHaveLength(2);
  });

  it('sends an error passed on or thrown by the steps to the error handler', async () => {
    expect(await get('/fail')).toMatchObject({ status: 418, body: { error: 'failed' } });
    expect(await get('/throw')).toMatchObject({ status: 500, body: { error: 'thrown' } });
  });
});
