import pg from 'pg';

/**
 * The word a throw-away database's name must contain: `bench` for the benchmarks, `soak` for the
 * soak. The database is dropped and re-created, so anything not obviously meant for it is refused.
 */
export type ThrowAwayKind = 'bench' | 'soak';

/** The server's maintenance database URL and the throw-away database's name, from its URL. */
function split(databaseUrl: string, kind: ThrowAwayKind): { adminUrl: string; name: string } {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[\w-]+$/.test(name)) throw new Error(`unexpected database name "${name}"`);
  if (!name.includes(kind))
    throw new Error(`the ${kind} database's name must contain "${kind}" (got "${name}")`);
  url.pathname = '/postgres';
  return { adminUrl: url.toString(), name };
}

async function onAdmin<T>(
  databaseUrl: string,
  kind: ThrowAwayKind,
  work: (client: pg.Client, name: string) => Promise<T>,
): Promise<T> {
  const { adminUrl, name } = split(databaseUrl, kind);
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client, name);
  } finally {
    await client.end();
  }
}

/** Drops (closing its sessions) and creates the database; returns the server version. */
export function createFreshDatabase(
  databaseUrl: string,
  kind: ThrowAwayKind = 'bench',
): Promise<string> {
  return onAdmin(databaseUrl, kind, async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return `PostgreSQL ${rows[0].server_version.split(' ')[0]}`;
  });
}

export function dropDatabase(databaseUrl: string, kind: ThrowAwayKind = 'bench'): Promise<void> {
  return onAdmin(databaseUrl, kind, async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

/** The bench's own connections to its database: setup, baselines and after-run checks. */
export function openPool(databaseUrl: string, max = 20): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, application_name: 'shop-bench' });
  pool.on('error', () => undefined); // a dropped idle client (DROP … WITH FORCE at the end)
  return pool;
}
