import pg from 'pg';

/** The server's maintenance database URL and the bench database's name, from its URL. */
function split(databaseUrl: string): { adminUrl: string; name: string } {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[\w-]+$/.test(name)) throw new Error(`unexpected database name "${name}"`);
  // It is dropped and re-created: refuse anything not obviously meant for benchmarks.
  if (!name.includes('bench'))
    throw new Error(`the bench database's name must contain "bench" (got "${name}")`);
  url.pathname = '/postgres';
  return { adminUrl: url.toString(), name };
}

async function onAdmin<T>(
  databaseUrl: string,
  work: (client: pg.Client, name: string) => Promise<T>,
): Promise<T> {
  const { adminUrl, name } = split(databaseUrl);
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client, name);
  } finally {
    await client.end();
  }
}

/** Drops (closing its sessions) and creates the bench database; returns the server version. */
export function createFreshDatabase(databaseUrl: string): Promise<string> {
  return onAdmin(databaseUrl, async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return `PostgreSQL ${rows[0].server_version.split(' ')[0]}`;
  });
}

export function dropDatabase(databaseUrl: string): Promise<void> {
  return onAdmin(databaseUrl, async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

/** The bench's own connections to its database: setup, baselines and after-run checks. */
export function openPool(databaseUrl: string, max = 20): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, application_name: 'shop-bench' });
  pool.on('error', () => undefined); // a dropped idle client (DROP … WITH FORCE at the end)
  return pool;
}
