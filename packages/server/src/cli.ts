#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { runCommand } from './cli/commands.js';

const USAGE = `payment-gateway <command> [options]

Commands:
  start                         Start the server (migrations are applied first)
  migrate                       Apply pending database migrations and exit
  org:create --name <name>      Create an organization
  key:create --org <orgId> --name <name> --scopes <a,b,…> [--expires-at <iso>] [--ip <cidr,…>]
                                Create an organization API key; prints the token once
  user:create --email <email> [--name <name>] [--password <pw>] [--global-admin]
                                Create a dashboard user (password also from GATEWAY_USER_PASSWORD)
  member:set --org <orgId> --email <email> --role viewer|editor|admin
                                Set a user's role in an organization
  recurring:process             Generate the invoices of every due recurring schedule now
                                (one run at a time with the servers' timers)
  db:copy --to <postgres url> [--batch-rows <n>]
                                Copy the embedded database of DATA_DIR into an empty PostgreSQL
                                database (one transaction; prints where the pepper and JWT secret are)
  backup --out <file> [--force] Consistent online backup of the embedded database (mode 0600)
Options:
  --json                        Machine-readable output
  -h, --help                    Show this help

Configuration comes from environment variables; see "Configuration" in the repository README. Commands other than
start and migrate work on an existing database only: run them with the server's DATA_DIR
(default .data in the current directory; the start log prints the full path) or DATABASE_URL.`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      org: { type: 'string' },
      scopes: { type: 'string' },
      'expires-at': { type: 'string' },
      ip: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string' },
      'global-admin': { type: 'boolean', default: false },
      to: { type: 'string' },
      'batch-rows': { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const config = loadConfig();
  return runCommand(command, values, config, USAGE);
}

main().then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message);
    else console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
