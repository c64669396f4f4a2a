import pg from 'pg';
import { isPgError, PgError } from './pg-errors.js';

/**
 * Named prepared statements for the application's pool (`DATABASE_PREPARED_STATEMENTS`, on by
 * default). TypeORM sends every statement unnamed, so PostgreSQL parses, analyses and plans
 * each one again: in the checkout profile (bench/README.md, round 3) planning alone was 47 % of
 * the statements' time in PostgreSQL. This pool's connections instead give each parameterised
 * statement text a name the first time it runs on the connection (`Parse` once), and later
 * executions bind and run the statement PostgreSQL already knows; after five executions
 * PostgreSQL keeps a generic plan when it costs no more than the custom ones (`plan_cache_mode`).
 *
 * Left unnamed, as before:
 * - statements without parameters (they may hold several commands; `BEGIN`, `COMMIT`);
 * - statements whose result columns come from a `*` (`SELECT *`, `RETURNING *`, `t.*`): a
 *   prepared one fails with "cached plan must not change result type" once a migration adds a
 *   column to its table, on every connection that prepared it;
 * - new texts once a connection holds {@link MAX_PREPARED_PER_CONNECTION} (texts that vary
 *   with a list's length, `IN ($1, …, $n)`, must not grow the server's memory without end);
 * - texts that carry {@link PLAN_PER_EXECUTION}: statements whose best plan depends on their
 *   values more than a generic plan can know. Full-text search is one (catalog search embeds
 *   the marker in its query): a word in 12 % of the catalog wants a scan that stops early, a
 *   rare one the GIN index, and the generic plan PostgreSQL settled on for the bench's searches
 *   at 100,000 products took 27 ms on average where planning each took 11 ms.
 *
 * A prepared statement goes stale when a migration changes the type of a column in its result
 * (`ALTER COLUMN … TYPE`, "cached plan must not change result type") or when the server forgot
 * it (26000). The first execution that meets that gives the text a new name, so every
 * connection prepares it anew: outside a transaction the statement is run again at once under
 * the new name; inside one the error aborts the transaction, which `withTransactionRetry` runs
 * again (other transactions fail once, per text and process).
 *
 * Turn it off behind a connection pooler in transaction mode that does not track prepared
 * statements (PgBouncer before 1.21, or with `max_prepared_statements = 0`): there the next
 * transaction may run on a server connection that never saw the `Parse`.
 */
export const MAX_PREPARED_PER_CONNECTION = 256;

/** Put in a statement's text to keep it unnamed: PostgreSQL plans it for its values every time. */
export const PLAN_PER_EXECUTION = '/* plan per execution */';

/** A result column list that is, or contains, a `*`: `SELECT *`, `RETURNING *`, `, t.*`. */
const STAR_COLUMNS =
  /\b(?:select|returning)\s+(?:distinct\s+)?(?:[\w"]+\.)?\*|,\s*(?:[\w"]+\.)?\*/i;

/** Statement names by text, shared by the connections (each still parses a text once itself). */
const names = new Map<string, string | null>();
/** Bounds `names`: a process that keeps meeting new texts stops remembering them. */
const MAX_KNOWN_TEXTS = 1_024;
let lastName = 0;
const freshName = (): string => `shop_${(lastName += 1).toString(36)}`;

/** The name of `text`'s prepared statement, or null when it must stay unnamed. */
export function statementName(text: string): string | null {
  const known = names.get(text);
  if (known !== undefined) return known;
  if (names.size >= MAX_KNOWN_TEXTS) return null;
  const unnamed = STAR_COLUMNS.test(text) || text.includes(PLAN_PER_EXECUTION);
  const name = unnamed ? null : freshName();
  names.set(text, name);
  return name;
}

/** The server cannot run `name` any more (see the module comment): `text` gets a new one. */
function renameStale(text: string, name: string): void {
  if (names.get(text) === name) names.set(text, freshName());
}

/**
 * Whether `error` says a prepared statement went stale: its result type changed under it, or
 * the server does not know its name. Transactions that met it are worth running again.
 */
export function isStalePreparedStatement(error: unknown): boolean {
  if (isPgError(error, PgError.INVALID_SQL_STATEMENT_NAME)) return true;
  return (
    isPgError(error, PgError.FEATURE_NOT_SUPPORTED) &&
    /cached plan must not change result type/i.test((error as Error).message)
  );
}

/** A `pg` client that names its parameterised statements (see the module comment). */
export class PreparingClient extends pg.Client {
  /** Names this connection has prepared (or is preparing). */
  readonly preparedHere = new Set<string>();
}

type Callback = (error: Error | null, result?: unknown) => void;
type AnyQuery = (this: pg.Client, ...args: unknown[]) => unknown;
// Always called with a client as `this` (below).
// eslint-disable-next-line @typescript-eslint/unbound-method
const plainQuery = pg.Client.prototype.query as AnyQuery;

/** `query(text, values[, callback])` becomes `query({ name, text, values }[, callback])`. */
function namingQuery(this: PreparingClient, ...args: unknown[]): unknown {
  const [text, values, callback] = args;
  if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0)
    return plainQuery.apply(this, args);
  const name = statementName(text);
  const here = this.preparedHere;
  if (name === null || (!here.has(name) && here.size >= MAX_PREPARED_PER_CONNECTION))
    return plainQuery.apply(this, args);
  here.add(name);
  const config = { name, text, values };
  /** A stale statement is renamed; outside a transaction (nothing aborted) it runs again. */
  const again = (error: unknown): boolean => {
    if (!isStalePreparedStatement(error)) return false;
    renameStale(text, name);
    return this.getTransactionStatus() === 'I';
  };
  if (typeof callback === 'function') {
    return plainQuery.call(this, config, (error: Error | null, result?: unknown) => {
      if (error && again(error)) namingQuery.call(this, text, values, callback);
      else (callback as Callback)(error, result);
    });
  }
  return (plainQuery.call(this, config) as Promise<unknown>).catch((error: unknown) => {
    if (again(error)) return namingQuery.call(this, text, values);
    throw error;
  });
}

// The overloads of Client.query cannot be restated in a subclass; the behaviour is the above.
PreparingClient.prototype.query = namingQuery as pg.Client['query'];
