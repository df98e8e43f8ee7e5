import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { composeMiddleware } from './compose-middleware.js';

const req = {} as Request;
const res = {} as Response;

/** Runs the composed layer and resolves with what it handed to Express's `next` (or 'answered'). */
function run(handlers: RequestHandler[]): Promise<{ calls: string[]; outcome: unknown }> {
  const calls: string[] = [];
  return new Promise((resolve) => {
    const wrapped = handlers.map(
      (h, i) =>
        ((rq: Request, rs: Response, next: NextFunction) => {
          calls.push(`h${i}`);
          return h(rq, rs, next);
        }) as RequestHandler,
    );
    const done: NextFunction = (err?: unknown) => resolve({ calls, outcome: err === undefined ? 'next' : err });
    composeMiddleware(wrapped)(req, res, done);
    setTimeout(() => resolve({ calls, outcome: 'answered' }), 50);
  });
}

const pass: RequestHandler = (_q, _s, next) => next();

describe('composeMiddleware', () => {
  it('calls every handler in order, then leaves the layer', async () => {
    expect(await run([pass, pass, pass])).toEqual({ calls: ['h0', 'h1', 'h2'], outcome: 'next' });
  });

  it('waits for an asynchronous next (body parsers)', async () => {
    const later: RequestHandler = (_q, _s, next) => void setTimeout(() => next(), 5);
    expect(await run([later, pass])).toEqual({ calls: ['h0', 'h1'], outcome: 'next' });
  });

  it('skips the rest on next(err), a throw or a rejected promise, and hands the error on', async () => {
    const boom = new Error('boom');
    expect(await run([(_q, _s, next) => next(boom), pass])).toEqual({ calls: ['h0'], outcome: boom });
    expect(
      await run([
        () => {
          throw boom;
        },
        pass,
      ]),
    ).toEqual({ calls: ['h0'], outcome: boom });
    expect(await run([async () => Promise.reject(boom), pass])).toEqual({ calls: ['h0'], outcome: boom });
  });

  it('stops when a handler answers without calling next', async () => {
    expect(await run([pass, () => undefined, pass])).toEqual({ calls: ['h0', 'h1'], outcome: 'answered' });
  });

  it("treats next('route') like next() leaving the layer", async () => {
    expect(await run([(_q, _s, next) => next('route'), pass])).toEqual({ calls: ['h0', 'h1'], outcome: 'next' });
  });
});
