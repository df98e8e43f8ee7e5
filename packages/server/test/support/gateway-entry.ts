import { ALL_SCOPES, type Scope } from '@payment-gateway/contract';
import { createGateway, type Gateway } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { PgChangeFeed } from '../../src/storage/pg-change-feed.js';
import { OPERATOR } from './operator.js';

/** What a test can ask a gateway instance in another process over IPC. */
export type InstanceCommand =
  | { op: 'status' }
  | { op: 'offboard'; organizationId: string }
  | { op: 'createOrganization'; name: string }
  | { op: 'createKey'; organizationId: string | null; scopes: Scope[] }
  | { op: 'close' };

export interface InstanceStatus {
  feed: string;
  listenerPid: number | null;
  cacheSize: number;
}

export function instanceStatus(gateway: Gateway): InstanceStatus {
  const { feed } = gateway;
  return { feed: feed.status(), listenerPid: feed instanceof PgChangeFeed ? feed.listenerPid : null, cacheSize: gateway.keyCache.size };
}

/**
 * Body of an instance process (instance-main.ts): a real server from the environment, like
 * `payment-gateway start`, plus an IPC channel for what tests cannot do over HTTP.
 */
export async function runInstanceFromEnv(): Promise<void> {
  const gateway = await createGateway(loadConfig(process.env));
  const url = await gateway.listen();
  const answer = async (cmd: InstanceCommand): Promise<unknown> => {
    switch (cmd.op) {
      case 'status':
        return instanceStatus(gateway);
      case 'offboard':
        return gateway.organizations.offboard(cmd.organizationId, OPERATOR);
      case 'createOrganization':
        return gateway.organizations.create({ name: cmd.name }, OPERATOR);
      case 'createKey':
        return gateway.keys.create(
          cmd.organizationId ? { tier: 'organization', organizationId: cmd.organizationId } : { tier: 'system' },
          { name: 'multi-instance test key', scopes: cmd.scopes },
          { scopes: ALL_SCOPES, origin: OPERATOR },
        );
      case 'close':
        await gateway.close();
        setImmediate(() => process.exit(0));
        return null;
    }
  };
  process.on('message', (msg: { id: number; cmd: InstanceCommand }) => {
    answer(msg.cmd).then(
      (result) => process.send?.({ id: msg.id, result }),
      (err: unknown) => process.send?.({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  process.on('disconnect', () => void gateway.close().finally(() => process.exit(0)));
  process.send?.({ ready: url });
}
