import type { RequestOrigin } from '../audit/audit-log.js';
import { createGateway } from '../app.js';
import type { ServerConfig } from '../config.js';
import { AppError } from '../errors/app-error.js';
import { migrateToLatest, openDatabase } from '../storage/database.js';
import { resolve } from 'node:path';
import { assertExistingDatabase } from './existing-database.js';
import { backupCommand } from './backup-command.js';
import { dbCopyCommand } from './db-copy-command.js';
import { ALL_SCOPES, ROLES, type Role } from '@payment-gateway/contract';

export interface CliValues {
  name?: string | undefined;
  org?: string | undefined;
  scopes?: string | undefined;
  'expires-at'?: string | undefined;
  ip?: string | undefined;
  json?: boolean | undefined;
  [k: string]: string | boolean | undefined;
}

/** Operator commands run with full authority; their audit actor is `system:cli`. */
const CLI_ORIGIN: RequestOrigin = { actor: { type: 'system', id: 'cli' }, requestId: null, ip: null };

export async function runCommand(command: string, values: CliValues, config: ServerConfig, usage: string): Promise<number> {
  switch (command) {
    case 'start':
      return start(config);
    case 'migrate': {
      const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        const result = await migrateToLatest(db);
        const applied = (result.results ?? []).map((r) => r.migrationName);
        out(values, { applied }, applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'org:create':
      return withGateway('org:create', config, async (gw) => {
        const name = required(values, 'name');
        const org = await gw.organizations.create({ name }, CLI_ORIGIN);
        out(values, org, `created organization ${org.id} (${org.name})`);
      });
    case 'key:create':
      return withGateway('key:create', config, async (gw) => {
        const organizationId = required(values, 'org');
        const scopes = required(values, 'scopes')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const key = await gw.keys.create(
          { tier: 'organization', organizationId },
          {
            name: required(values, 'name'),
            scopes: scopes as never,
            expiresAt: values['expires-at'],
            ipAllowlist: values.ip ? values.ip.split(',').map((s) => s.trim()) : undefined,
          },
          // The operator holds every scope; tier rules (no system-tier scopes on org keys) still apply.
          { scopes: ALL_SCOPES, origin: CLI_ORIGIN },
        );
        out(
          values,
          key,
          `created key ${key.id} in ${organizationId} with scopes ${key.scopes.join(', ')}\n\n  ${key.token}\n\nThis token is shown once. Store it now.`,
        );
      });
    case 'user:create':
      return withGateway('user:create', config, async (gw) => {
        const password = values.password ?? process.env.GATEWAY_USER_PASSWORD;
        if (typeof password !== 'string' || password.length < 12) {
          throw new Error('--password (or GATEWAY_USER_PASSWORD) of at least 12 characters is required');
        }
        const user = await gw.users.create(
          {
            email: required(values, 'email'),
            name: values.name ?? required(values, 'email'),
            password,
            globalAdmin: values['global-admin'] === true,
          },
          CLI_ORIGIN,
        );
        out(values, user, `created user ${user.id} (${user.email})${user.globalAdmin ? ' as global admin' : ''}`);
      });
    case 'member:set':
      return withGateway('member:set', config, async (gw) => {
        const role = required(values, 'role');
        if (!(ROLES as readonly string[]).includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
        const organizationId = required(values, 'org');
        const email = required(values, 'email');
        const user = await gw.users.findForLogin(email);
        if (!user) throw new AppError('NOT_FOUND', `No user has the email ${email}.`);
        const membership = await gw.users.setMembership(organizationId, user.id, role as Role, CLI_ORIGIN);
        out(values, { userId: user.id, ...membership }, `${email} is now ${role} in ${organizationId}`);
      });
    case 'recurring:process':
      // The same run as POST /system/recurring/process: the lease keeps it from overlapping a server's timer.
      return withGateway('recurring:process', config, async (gw) => {
        const run = await gw.recurring.process('cli');
        out(
          values,
          run,
          `generated ${run.generated} invoice(s), completed ${run.completed} schedule(s)${run.errors.length ? `, ${run.errors.length} schedule(s) failed` : ''}`,
        );
      });
    case 'db:copy':
      return dbCopyCommand(values, config, process.env);
    case 'backup':
      return backupCommand(values, config, process.env);
    default:
      console.error(`unknown command "${command}"\n\n${usage}`);
      return 2;
  }
}

async function start(config: ServerConfig): Promise<number> {
  const gw = await createGateway(config);
  const url = await gw.listen();
  // The data directory in full, so operators can point the other CLI commands at it (DATA_DIR).
  const where = gw.database.dialect === 'sqlite' ? { dataDir: resolve(config.dataDir) } : {};
  gw.logger.info({ url, database: gw.database.dialect, ...where, changeFeed: gw.feed.status() }, `payment gateway listening on ${url}`);
  const stop = (signal: string) => {
    gw.logger.info({ signal }, 'shutting down');
    gw.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>(() => {});
}

/**
 * Runs an operator command on the existing database: it never creates one (nor a pepper).
 * @throws MissingDatabaseError when there is no gateway database where the configuration points.
 */
async function withGateway(
  command: string,
  config: ServerConfig,
  fn: (gw: Awaited<ReturnType<typeof createGateway>>) => Promise<void>,
): Promise<number> {
  await assertExistingDatabase(command, config);
  // An operator command may wait for a busy server's write lock (SQLite): longer than a request may.
  // An operator command serves no requests, so it counts no rate limits: it never connects to Redis.
  const gw = await createGateway({
    ...config,
    logLevel: 'silent',
    databaseTimeoutMs: Math.max(config.databaseTimeoutMs, 30_000),
    redisUrl: undefined,
  });
  try {
    await fn(gw);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      console.error(
        `error: ${err.code}: ${err.message}${err.details ? ` ${JSON.stringify(err.details.issues ?? err.details.invalid ?? err.details.scopes ?? '')}` : ''}`,
      );
      return 1;
    }
    throw err;
  } finally {
    await gw.close();
  }
}

function required(values: CliValues, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw new Error(`--${name} is required`);
  return v;
}

function out(values: CliValues, json: unknown, text: string): void {
  console.log(values.json ? JSON.stringify(json, null, 2) : text);
}
