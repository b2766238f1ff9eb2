import mysql from 'mysql2/promise';
import postgres from 'postgres';
import { startMariadb, startPostgres } from '../test/servers.js';

/**
 * A benchmark server at its default durability, with its own counters: what a run cost the
 * server in commits, statements and log syncs. PostgreSQL: pg_stat_database.xact_commit of
 * the run's database, pg_stat_statements calls (utility statements included: BEGIN, COMMIT,
 * DDL), pg_stat_wal.wal_sync. MariaDB: SHOW GLOBAL STATUS (Questions = statements the
 * clients sent, Com_commit, Handler_commit, Innodb_data_fsyncs) — global, so read while
 * nothing else runs on the server.
 */
export type Database = 'sqlite' | 'postgres' | 'mariadb';
export type Counters = Record<string, number>;

export interface CountingServer {
  readonly version: string;
  freshDatabase(): Promise<string>;
  read(url: string): Promise<Counters>;
  stop(): Promise<void>;
}

export async function serverCounters(db: 'postgres' | 'mariadb', _root: string): Promise<CountingServer> {
  let n = 0;
  if (db === 'postgres') {
    const server = await startPostgres({ durable: true, preload: ['pg_stat_statements'] });
    const admin = postgres(server.url, { max: 1, onnotice: () => {} });
    await admin.unsafe('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    return {
      version: server.version,
      freshDatabase: async () => {
        const name = `bench_${++n}`;
        await admin.unsafe(`CREATE DATABASE ${name}`);
        return server.url.replace(/\/postgres$/, `/${name}`);
      },
      read: async (url) => {
        const name = new URL(url).pathname.slice(1);
        // A client's statistics reach shared memory when its backend exits: wait for that
        // on the server's own view, then read a fresh snapshot.
        for (let k = 0; k < 500; k++) {
          const [row] = await admin.unsafe('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
          if (row!.n === 0) break;
          await admin.unsafe('SELECT pg_sleep(0.01)');
        }
        await admin.unsafe('SELECT pg_stat_clear_snapshot()');
        const [row] = await admin.unsafe(
          `SELECT d.xact_commit::float8 AS commits,
                  (SELECT coalesce(sum(calls), 0)::float8 FROM pg_stat_statements s WHERE s.dbid = d.datid) AS statements,
                  (SELECT wal_sync::float8 FROM pg_stat_wal) AS wal_syncs
             FROM pg_stat_database d WHERE d.datname = $1`,
          [name],
        );
        return { commits: Number(row!.commits), statements: Number(row!.statements), 'WAL syncs': Number(row!.wal_syncs) };
      },
      stop: async () => {
        await admin.end();
        await server.stop();
      },
    };
  }
  const server = await startMariadb({ durable: true });
  const admin = await mysql.createConnection(server.url);
  // Questions counts this bench's own queries too (each counted when it starts): kept out.
  let own = 0;
  const query = (sql: string) => {
    own++;
    return admin.query(sql);
  };
  return {
    version: server.version,
    freshDatabase: async () => {
      const name = `bench_${++n}`;
      await query(`CREATE DATABASE ${name}`);
      return server.url.replace(/\/mysql$/, `/${name}`);
    },
    read: async () => {
      // Wait until the run's connection is gone (its last statements counted).
      for (let k = 0; k < 500; k++) {
        const [rows] = await query("SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE DB LIKE 'bench\\_%' AND ID <> CONNECTION_ID()");
        if (Number((rows as Array<{ n: number }>)[0]!.n) === 0) break;
        await query('DO SLEEP(0.01)');
      }
      const [rows] = await query("SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_commit', 'Handler_commit', 'Innodb_data_fsyncs')");
      const get = (k: string) => Number((rows as Array<{ Variable_name: string; Value: string }>).find((r) => r.Variable_name === k)?.Value ?? 0);
      return { statements: get('Questions') - own, commits: get('Com_commit'), 'handler commits': get('Handler_commit'), 'log fsyncs': get('Innodb_data_fsyncs') };
    },
    stop: async () => {
      await admin.end();
      await server.stop();
    },
  };
}
