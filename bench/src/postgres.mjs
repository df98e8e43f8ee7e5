// A PostgreSQL database of the bench's own: a fresh database inside DATABASE_URL /
// TEST_DATABASE_URL when set, otherwise a throwaway cluster (scripts/pg.mjs), otherwise none.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * @returns {Promise<{ url: string, source: string, drop(): Promise<void> } | { url: null, reason: string }>}
 */
export async function benchDatabase() {
  const given = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL;
  let cluster = null;
  let adminUrl = given;
  let source = given ? (process.env.DATABASE_URL ? 'DATABASE_URL' : 'TEST_DATABASE_URL') : '';
  if (!adminUrl) {
    try {
      const { startThrowawayPostgres } = await import(pathToFileURL(join(root, 'scripts', 'pg.mjs')).href);
      cluster = startThrowawayPostgres();
    } catch (err) {
      return { url: null, reason: `could not start a throwaway PostgreSQL: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (!cluster)
      return { url: null, reason: 'no DATABASE_URL / TEST_DATABASE_URL and no PostgreSQL server binaries (apt-get install postgresql)' };
    adminUrl = cluster.url;
    source = 'throwaway cluster';
  }
  const name = `gw_bench_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (err) {
    cluster?.stop();
    return { url: null, reason: `cannot create a database in ${redact(adminUrl)}: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    await admin.end().catch(() => {});
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    source: `${source} (${redact(url.toString())})`,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      try {
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } catch {
        /* best effort */
      } finally {
        await c.end().catch(() => {});
        cluster?.stop();
      }
    },
  };
}

export function redact(url) {
  return url.replace(/:[^:@/]*@/, ':***@');
}
