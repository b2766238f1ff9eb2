import type mysql from 'mysql2/promise';
import { BackupToolError } from './dump-tools.js';

/**
 * How a client tool reaches this database: host, port and user as arguments, the password
 * in MYSQL_PWD (read by the MariaDB and MySQL clients, like PGPASSWORD for pg_dump). Never
 * in argv, and no option file on disk that a kill could leave behind with it.
 */
export function mysqlToolConnection(url: string): { args: string[]; env: Record<string, string> } {
  const u = new URL(url.replace(/^mariadb:/i, 'mysql:'));
  const args = ['--no-defaults', `--host=${decodeURIComponent(u.hostname) || 'localhost'}`, `--port=${u.port || '3306'}`, '--protocol=TCP'];
  if (u.username) args.push(`--user=${decodeURIComponent(u.username)}`);
  return { args, env: u.password ? { MYSQL_PWD: decodeURIComponent(u.password) } : {} };
}

/** How often the watch looks at the processlist while the dump runs. */
const POLL_MS = 100;

/**
 * mariadb-dump and mysqldump have no lock wait option (pg_dump's --lock-wait-timeout), nor a
 * way to set lock_wait_timeout (no --init-command), whose default is a day: a backup behind a
 * LOCK TABLES or an ALTER in progress waited until that session ended. This watch, on a second
 * connection, finds the dump's session (opened after the watch started, same user and database,
 * a dump's statement) waiting for a metadata lock, and once it has waited `lockWaitMs` stops its
 * statement (KILL QUERY): the dump fails, and the backup says why, as pg_dump's does.
 */
export async function watchedDump(watcher: mysql.Connection, database: string, lockWaitMs: number, tool: string, dump: () => Promise<void>): Promise<void> {
  const [[start]] = (await watcher.query("SELECT COALESCE(MAX(ID), 0) AS top, SUBSTRING_INDEX(USER(), '@', 1) AS me FROM information_schema.PROCESSLIST")) as unknown as [[{ top: number; me: string }]];
  const seen = new Map<number, number>();
  let killed: { table: string } | null = null;
  let done = false;
  const watch = (async () => {
    while (!done && !killed) {
      const [rows] = (await watcher.query(
        "SELECT ID AS id, INFO AS info FROM information_schema.PROCESSLIST WHERE ID > ? AND USER = ? AND DB = ? AND STATE = 'Waiting for table metadata lock' AND (INFO LIKE '%SQL_NO_CACHE%' OR INFO LIKE 'SHOW %')",
        [start.top, start.me, database],
      )) as unknown as [Array<{ id: number; info: string | null }>];
      const now = Date.now();
      for (const row of rows) {
        const since = seen.get(row.id) ?? now;
        seen.set(row.id, since);
        if (now - since >= lockWaitMs && !done) {
          killed = { table: /(?:FROM|TABLE) `([^`]+)`/i.exec(row.info ?? '')?.[1] ?? 'a table' };
          await watcher.query(`KILL QUERY ${Number(row.id)}`);
          break;
        }
      }
      if (!killed) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })().catch(() => undefined);
  try {
    await dump();
  } catch (error) {
    done = true;
    await watch;
    if (!killed) throw error;
    const seconds = Math.round(lockWaitMs / 100) / 10;
    throw new BackupToolError(
      `${tool} waited ${seconds} s for a lock on ${(killed as { table: string }).table} and gave up: another session holds it (an ALTER or a LOCK TABLES in progress?); no backup was written`,
      'run it again when that session has finished (SHOW PROCESSLIST), or pass --no-backup to go on without a backup',
      { ...(error as BackupToolError).meta, lockTimeout: true },
    );
  } finally {
    done = true;
    await watch;
  }
}
