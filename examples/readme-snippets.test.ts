// Every TypeScript snippet of the READMEs (SDK, examples, server) is type-checked against the
// sources and run, in README order, against a real server, so a snippet cannot rot (the SDK
// README's recurring schedule once started in the past and failed). A snippet may use the
// variables of SnippetContext (the names the READMEs use for things set up earlier: `gw`,
// `admin`, `adminKey`, `baseUrl`, …); imports are hoisted, the rest runs in its own block.
// The root README has no TypeScript; its shell commands are run by packages/server/test/cli-*.test.ts.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PaymentGateway, type Client, type Scope } from '@payment-gateway/sdk';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../packages/server/test/harness.js';
import { OPERATOR_SCOPES } from './shared.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const scratch = join(root, 'examples', '.readme-snippets');

const READMES = ['packages/sdk/README.md', 'examples/README.md', 'packages/server/README.md'] as const;

/** What a snippet may use without declaring it. */
const CONTEXT_TYPES = `import type { Client, PaymentGateway } from '@payment-gateway/sdk';
export interface SnippetContext {
  /** A client whose key holds the billing, recurring and portal bundles. */
  gw: PaymentGateway;
  /** A client whose key manages keys (and holds every bundle it grants). */
  admin: PaymentGateway;
  adminKey: string;
  bridgeKey: string;
  baseUrl: string;
  /** A client of the organization, ada@example.com. */
  client: Client;
  email: string;
  secrets: { get(name: string): Promise<string> };
}
`;

/** Code a snippet needs after it, so it leaves nothing running. */
const EPILOGUES: Record<string, string> = {
  'packages/server/README.md#1': 'await gateway.close();',
};

interface Snippet {
  id: string;
  file: string;
  code: string;
}

/**
 * Snippets of one README, each as a module. Imports are cumulative within a README, as a
 * reader keeps them: a snippet may use what an earlier one imported.
 */
function snippetsOf(readme: string): Snippet[] {
  const text = readFileSync(join(root, readme), 'utf8');
  const imported = new Map<string, Set<string>>(); // module → named imports so far
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => {
    const id = `${readme}#${i + 1}`;
    const lines = m[1]!.split('\n');
    for (const line of lines.filter((l) => /^import\s/.test(l))) {
      const parsed = /^import \{([^}]+)\} from '([^']+)';?$/.exec(line);
      if (!parsed) throw new Error(`${id}: only "import { … } from '…'" lines are supported, got: ${line}`);
      // Examples import each other relatively; the generated files live one folder down.
      const from = parsed[2]!.replace(/^\.\//, '../');
      const names = imported.get(from) ?? new Set<string>();
      for (const name of parsed[1]!
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean))
        names.add(name);
      imported.set(from, names);
    }
    const imports = [...imported].map(([from, names]) => `import { ${[...names].join(', ')} } from '${from}';`);
    const body = lines.filter((l) => !/^import\s/.test(l)).join('\n');
    const code = `${imports.join('\n')}
import type { SnippetContext } from './context.js';

export default async function snippet(ctx: SnippetContext): Promise<void> {
  const { gw, admin, adminKey, bridgeKey, baseUrl, client, email, secrets } = ctx;
  void [gw, admin, adminKey, bridgeKey, baseUrl, client, email, secrets];
  {
${body}
${EPILOGUES[id] ?? ''}
  }
}
`;
    return { id, file: join(scratch, `${readme.replace(/[/.]/g, '-')}-${i + 1}.ts`), code };
  });
}

const snippets = READMES.flatMap(snippetsOf);

let server: TestServer;
/** The same shape as CONTEXT_TYPES (which the generated snippets import). */
interface SnippetContext {
  gw: PaymentGateway;
  admin: PaymentGateway;
  adminKey: string;
  bridgeKey: string;
  baseUrl: string;
  client: Client;
  email: string;
  secrets: { get(name: string): Promise<string> };
}
let ctx: SnippetContext;
const savedEnv = { ...process.env };
let dataDir: string;

beforeAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  writeFileSync(join(scratch, 'context.ts'), CONTEXT_TYPES);
  for (const s of snippets) writeFileSync(s.file, s.code);

  server = await startTestServer();
  const org = await server.createOrganization('README Inc');
  const bundles = ['client:read', 'client:create', 'invoice:read', 'invoice:create', 'invoice:execute', 'portal:create'] as const;
  const adminScopes = new Set<Scope>([...OPERATOR_SCOPES, ...bundles, 'checkout:create']);
  const adminKey = (await server.createOrgKey(org, [...adminScopes], { name: 'readme admin' })).token;
  const userKey = (await server.createOrgKey(org, bundles, { name: 'readme integration' })).token;
  const bridgeKey = (
    await server.createOrgKey(org, ['client:read', 'client:create', 'invoice:read', 'invoice:create'], { name: 'readme bridge' })
  ).token;
  const gw = new PaymentGateway({ apiKey: userKey, baseUrl: server.url, maxRetries: 0 });
  const client: Client = await gw.clients.create({ email: 'ada@example.com', name: 'Ada' });
  ctx = {
    gw,
    admin: new PaymentGateway({ apiKey: adminKey, baseUrl: server.url, maxRetries: 0 }),
    adminKey,
    bridgeKey,
    baseUrl: server.url,
    client,
    email: 'ada@example.com',
    secrets: { get: async () => userKey },
  };
  // What the snippets read from the environment: the SDK quick start, the examples, and the
  // server's embedding snippet (a second gateway on a free port in its own data directory).
  dataDir = mkdtempSync(join(tmpdir(), 'gw-readme-'));
  Object.assign(process.env, {
    PAYMENT_GATEWAY_API_KEY: userKey,
    PAYMENT_GATEWAY_URL: server.url,
    GATEWAY_URL: server.url,
    GATEWAY_API_KEY: adminKey,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
  });
}, 120_000);

afterAll(async () => {
  process.env = savedEnv;
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('README snippets', () => {
  it('finds the snippets', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(10);
  });

  it('type-check against the sources', () => {
    const config = ts.readConfigFile(join(root, 'tsconfig.base.json'), (f) => ts.sys.readFile(f));
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const program = ts.createProgram(
      snippets.map((s) => s.file),
      { ...options, noEmit: true, composite: false, declaration: false, declarationMap: false, sourceMap: false, incremental: false },
    );
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName.startsWith(scratch))
      .map((d) => {
        const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
        const snippet = snippets.find((s) => s.file === d.file?.fileName);
        return `${snippet?.id ?? relative(root, d.file?.fileName ?? '?')} (line ${(where?.line ?? 0) + 1} of the generated module): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(problems).toEqual([]);
  }, 120_000);

  it.each(snippets.map((s) => [s.id, s] as const))('%s runs against a real server', async (_, s) => {
    const module = (await import(s.file)) as { default: (c: typeof ctx) => Promise<void> };
    await module.default(ctx);
  });
});
