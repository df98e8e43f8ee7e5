#!/usr/bin/env node
// The pipeline benchmark's baseline: a bare Express 5 app (defaults, no middleware) that answers
// one JSON body on one route, so the gateway's whole request pipeline can be compared with the
// least an Express app does for the same request and the same answer.
//   PORT         port on 127.0.0.1
//   BENCH_PATH   the route (e.g. /api/v1/auth/whoami)
//   BENCH_BODY   the JSON body it answers (the gateway's own answer on that route)
// GET /health answers 200 so the benchmark can wait for it like for every other server.
import express from 'express';

const body = JSON.parse(process.env.BENCH_BODY ?? '{}');
const app = express();
app.get('/health', (_req, res) => {
  res.json({ status: 'ok' });
});
app.get(process.env.BENCH_PATH ?? '/', (_req, res) => {
  res.json(body);
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
const stop = () => server.close(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
