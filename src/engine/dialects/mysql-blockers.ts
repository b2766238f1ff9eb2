import type { BlockingSession } from './adapter.js';

/**
 * Who a MySQL/MariaDB connection waits for, asked from another connection.
 *
 * - MariaDB with the `metadata_lock_info` plugin loaded (`INSTALL SONAME
 *   'metadata_lock_info'`): the sessions holding a metadata lock on a table the waiting
 *   connection has locked or names in its statement. Exact, LOCK TABLES included.
 * - Otherwise: the sessions with an open InnoDB transaction (information_schema.INNODB_TRX),
 *   the usual holders of a metadata lock — those using the same database, else those using
 *   none (never those busy in another database); said
 *   as "open transaction", since the server cannot tell which of them holds it (a LOCK
 *   TABLES without a transaction is not seen).
 */
type Query = <T>(sql: string, params?: readonly unknown[]) => Promise<T[]>;

interface Row {
  id: number;
  db: string | null;
  user: string;
  host: string;
  command: string;
  time: number;
  state: string | null;
  info: string | null;
  trx_started?: string | null;
  modes?: string | null;
  tables?: string | null;
}

const PROCESS = 'p.ID AS id, p.DB AS db, p.USER AS user, p.HOST AS host, p.COMMAND AS command, p.TIME AS time, p.STATE AS state, LEFT(p.INFO, 120) AS info';

export async function mysqlBlockers(query: Query, waiting: number): Promise<BlockingSession[]> {
  // Only a connection waiting for a lock has blockers: one cheap look before the others.
  const [state] = await query<{ state: string | null; db: string | null }>('SELECT STATE AS state, DB AS db FROM information_schema.PROCESSLIST WHERE ID = ?', [waiting]);
  if (!/lock/i.test(state?.state ?? '')) return [];
  const plugin = await query<{ n: number }>("SELECT COUNT(*) AS n FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'METADATA_LOCK_INFO' AND PLUGIN_STATUS = 'ACTIVE'");
  if (Number(plugin[0]?.n ?? 0) > 0) {
    const [me] = await query<{ info: string | null }>('SELECT INFO AS info FROM information_schema.PROCESSLIST WHERE ID = ?', [waiting]);
    const statement = (me?.info ?? '').toLowerCase();
    const held = await query<Row & { schema: string; name: string; mode: string }>(
      `SELECT m.THREAD_ID AS id, m.TABLE_SCHEMA AS \`schema\`, m.TABLE_NAME AS name, m.LOCK_MODE AS mode FROM information_schema.METADATA_LOCK_INFO m WHERE m.LOCK_TYPE = 'Table metadata lock' AND m.THREAD_ID <> CONNECTION_ID()`,
    );
    const mine = new Set(held.filter((r) => Number(r.id) === waiting).map((r) => `${r.schema}.${r.name}`.toLowerCase()));
    const named = (r: { name: string }) => new RegExp(`(^|[^a-z0-9_$])${r.name.toLowerCase().replace(/[$]/g, '\\$')}([^a-z0-9_$]|$)`).test(statement);
    const holders = held.filter((r) => Number(r.id) !== waiting && (mine.has(`${r.schema}.${r.name}`.toLowerCase()) || named(r)));
    if (holders.length === 0) return [];
    const ids = [...new Set(holders.map((r) => Number(r.id)))];
    const rows = await query<Row>(`SELECT ${PROCESS} FROM information_schema.PROCESSLIST p WHERE p.ID IN (${ids.map(() => '?').join(', ')}) ORDER BY p.ID`, ids);
    return rows.map((r) => {
      const locks = holders.filter((h) => Number(h.id) === Number(r.id));
      return session(r, `${describe(r)}, holds ${locks.map((l) => `${l.mode.replace(/^MDL_/, '')} on ${l.name}`).join(', ')}`, null);
    });
  }
  const rows = await query<Row>(
    `SELECT ${PROCESS}, t.trx_started AS trx_started FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id WHERE p.ID <> ? AND p.ID <> CONNECTION_ID() ORDER BY t.trx_started, p.ID`,
    [waiting],
  );
  // Those using the same database, else those using none (qualified names reach any): a session
  // busy in another database is not named (on a server with many, it named the wrong one).
  const near = rows.filter((r) => r.db !== null && r.db === state?.db);
  return (near.length > 0 ? near : rows.filter((r) => r.db === null)).map((r) => session(r, `${describe(r)}, open transaction${r.trx_started ? ` since ${String(r.trx_started)}` : ''}`, null));
}

const describe = (r: Row) => `${r.command}${r.state ? ` ${r.state}` : ''} for ${r.time} s`;

function session(r: Row, state: string, queryStart: string | null): BlockingSession {
  return { kind: 'connection', pid: Number(r.id), application: `${r.user}@${r.host}`, state, queryStart, query: r.info ?? '' };
}
