import { PlanError } from '../errors.js';
import { BackupError, type BackupManifest } from './backups.js';

/**
 * Which database a backup was taken from, and whether that is the connected one. A backup
 * names its database three ways (the manifest's `database` display, `databaseName`,
 * `dialect`); all three must match for "the same database": a same-named database on
 * another server (staging vs production) is another database.
 */
export interface DatabaseIdentity {
  /** The URL as shown (password masked), e.g. `postgres://app:***@db1:5432/app`. */
  readonly display: string;
  readonly databaseName: string;
  /** `postgres`, `sqlite`, `mysql` or `mariadb` (one family: a MariaDB URL may say mysql://). */
  readonly dialect: string;
}

const family = (dialect: string): string => (dialect === 'mariadb' ? 'mysql' : dialect);

/** The database a manifest was taken from. */
export const backupOrigin = (m: BackupManifest): DatabaseIdentity => ({ display: m.database, databaseName: m.databaseName, dialect: m.dialect });

export function sameDatabase(a: DatabaseIdentity, b: DatabaseIdentity): boolean {
  return a.display === b.display && a.databaseName === b.databaseName && family(a.dialect) === family(b.dialect);
}

/** `app (postgres, postgres://app:***@db1:5432/app)`: how a database is named to people. */
export const describeDatabase = (d: DatabaseIdentity): string => `${d.databaseName} (${d.dialect}, ${d.display})`;

export interface BackupGroup {
  readonly database: DatabaseIdentity;
  /** The connected database's group. */
  readonly current: boolean;
  /** Newest first. */
  readonly backups: readonly BackupManifest[];
}

/**
 * Backups grouped by the database they were taken from: the connected database's group
 * first (even when empty), then the others by their newest backup. `all: false` keeps only
 * the connected database's group.
 */
export function groupBackups(list: readonly BackupManifest[], connected: DatabaseIdentity, all: boolean): BackupGroup[] {
  const groups: Array<{ database: DatabaseIdentity; current: boolean; backups: BackupManifest[] }> = [{ database: connected, current: true, backups: [] }];
  for (const backup of [...list].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))) {
    const origin = backupOrigin(backup);
    let group = groups.find((g) => sameDatabase(g.database, origin));
    if (!group) groups.push((group = { database: origin, current: false, backups: [] }));
    group.backups.push(backup);
  }
  return all ? groups : groups.slice(0, 1);
}

/**
 * Restoring a backup into a database other than the one it was taken from replaces that
 * database's data with another's: refused unless asked for explicitly.
 */
export function checkRestoreTarget(manifest: BackupManifest, connected: DatabaseIdentity, intoOtherDatabase: boolean): void {
  const origin = backupOrigin(manifest);
  if (intoOtherDatabase || sameDatabase(origin, connected)) return;
  throw new BackupError(
    'other-database',
    `${manifest.file} was taken from ${describeDatabase(origin)}, not from the connected database ${describeDatabase(connected)}`,
    'check --url; to replace the data of the connected database with this backup anyway, pass --into-other-database',
    { backupDatabase: origin, connectedDatabase: connected },
  );
}

/**
 * Whether a backup may be restored into the connected database: one of the same kind (MySQL and
 * MariaDB are one), and the database it was taken from unless `intoOtherDatabase`. A SQLite
 * database is named by its URL alone, so this is checked before its file is created.
 */
export function checkRestoreFits(manifest: BackupManifest, connected: DatabaseIdentity, intoOtherDatabase: boolean): void {
  if (family(manifest.dialect) !== family(connected.dialect)) {
    throw new PlanError('wrong-dialect', `${manifest.file} is a ${manifest.dialect} backup; this database is ${connected.dialect}`, 'restore it into a database of the same kind');
  }
  checkRestoreTarget(manifest, connected, intoOtherDatabase);
}
