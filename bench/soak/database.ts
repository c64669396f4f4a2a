import pg from 'pg';

/**
 * The soak's database is dropped and re-created by every run, so only a name that says it is
 * meant for soaking is accepted (the bench's own helpers insist on "bench" for the same reason).
 */
function split(databaseUrl: string): { adminUrl: string; name: string } {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[\w-]+$/.test(name)) throw new Error(`unexpected database name "${name}"`);
  if (!name.includes('soak'))
    throw new Error(`the soak database's name must contain "soak" (got "${name}")`);
  url.pathname = '/postgres';
  return { adminUrl: url.toString(), name };
}

async function onAdmin<T>(databaseUrl: string, work: (c: pg.Client, name: string) => Promise<T>) {
  const { adminUrl, name } = split(databaseUrl);
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client, name);
  } finally {
    await client.end();
  }
}

/** Drops (closing its sessions) and creates the soak database; returns the server version. */
export function createSoakDatabase(databaseUrl: string): Promise<string> {
  return onAdmin(databaseUrl, async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return `PostgreSQL ${rows[0].server_version.split(' ')[0]}`;
  });
}

export function dropSoakDatabase(databaseUrl: string): Promise<void> {
  return onAdmin(databaseUrl, async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}
