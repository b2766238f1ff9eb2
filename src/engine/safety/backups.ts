import { createHash } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MigrateTuiError, WriteError } from '../errors.js';
import { makeFolder } from '../files/make-folder.js';

/** Written beside every backup as `<file>.json`: what the database was when it was taken. */
export interface BackupManifest {
  readonly file: string;
  readonly createdAt: string;
  readonly database: string;
  readonly databaseName: string;
  readonly dialect: string;
  /** e.g. "pg_dump 15.18", "SQLite online backup API". */
  readonly tool: string;
  readonly reason: string;
  /** Version rows and applied revisions at backup time. */
  readonly versionRows: readonly string[];
  readonly applied: readonly string[];
  /** The newest migrate_tui_log id at backup time (SQLite backups include the log). */
  readonly logMaxId: number;
  readonly includesStateTables: boolean;
  /**
   * The unfinished step when the backup was taken (the database was dirty): a restore puts
   * the data back with what that step's statements did, so it marks the step unfinished again.
   * Absent when the database was clean (and in backups made before this field existed).
   */
  readonly dirty?: BackupDirtyStep;
  readonly size: number;
  readonly sha256: string;
}

/** The unfinished step a backup was taken during: its log row and how far it had got. */
export interface BackupDirtyStep {
  readonly logId: number;
  readonly revision: string;
  readonly direction: 'up' | 'down';
  readonly status: 'started' | 'dirty';
  readonly statementsDone: number;
  readonly statementsTotal: number;
}

/** A list line's mark for a backup taken during an unfinished step (restoring it marks the step unfinished again); '' for others. */
export function unfinishedMark(b: Pick<BackupManifest, 'dirty'>): string {
  const d = b.dirty;
  return d ? `  DIRTY: taken during the unfinished ${d.direction} of ${d.revision} (${d.status === 'started' ? `the log recorded ${d.statementsDone} of ${d.statementsTotal} statements as done, and no outcome` : `${d.statementsDone} of ${d.statementsTotal} statements`})` : '';
}

/**
 * How far the unfinished step of a backup had got, for a restore's confirmation: `2 of 3
 * statements had run`; with no outcome recorded (a killed run, or one whose writes to the log
 * met a lock) the log's count is all that is known, and more may have run.
 */
export function unfinishedProgress(d: NonNullable<BackupManifest['dirty']>): string {
  return d.status === 'started'
    ? `the log recorded ${d.statementsDone} of ${d.statementsTotal} statements as done, and no outcome: statement ${d.statementsDone + 1} or more may have run too`
    : `${d.statementsDone} of ${d.statementsTotal} statements had run`;
}

export class BackupError extends MigrateTuiError {}

export const DEFAULT_BACKUP_DIR = 'backups';

/** `backups/20261121T223000Z_app_20260115090000.pgdump`: time, database, revision. */
export function backupPath(dir: string, databaseName: string, revisions: readonly string[], extension: string, now = new Date()): string {
  const time = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^\.+/, '') || 'db';
  const revision = revisions.length === 0 ? 'base' : revisions.length === 1 ? revisions[0]! : `${revisions[0]}+${revisions.length - 1}`;
  const path = join(dir, `${time}_${safe(basename(databaseName).replace(/\.sqlite3?$/, ''))}_${safe(revision)}.${extension}`);
  for (let n = 2, candidate = path; ; n++, candidate = path.replace(/(\.[a-z]+)$/, `-${n}$1`)) {
    if (!existsSync(candidate)) return candidate;
  }
}

/**
 * Backups live in a 0700 folder as 0600 files: they hold the data. The file is claimed with
 * an exclusive create, so two runs never write the same backup; returns the path claimed.
 */
export function prepareBackupFile(path: string, exact: boolean): string {
  const hint = 'choose a writable folder with --backup-dir or "backups" in migrate-tui.config.json';
  try {
    const created = makeFolder(dirname(path), 'backup folder', hint, 0o700);
    // An existing backups folder others can read shows the backups' names (older ones may predate
    // 0600): tighten it, but only when it holds nothing but backups. A shared folder (/tmp, the
    // project, a home) is not ours to change: as root, chmod of /tmp would break the machine.
    if (!created && (statSync(dirname(path)).mode & 0o077) !== 0 && holdsOnlyBackups(dirname(path))) chmodSync(dirname(path), 0o700);
  } catch (error) {
    // makeFolder's message already names the folder and why (a file in the path, a permission).
    if (error instanceof WriteError) throw new BackupError('backup-dir', error.message, hint, error.meta);
    throw new BackupError('backup-dir', `cannot create the backup folder ${dirname(path)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, hint);
  }
  for (let n = 2, candidate = path; n < 1000; n++, candidate = path.replace(/(\.[a-z]+)$/, `-${n}$1`)) {
    try {
      closeSync(openSync(candidate, 'wx', 0o600));
      return candidate;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new BackupError('backup-file', `cannot create ${candidate}: ${code}`, 'choose a writable folder with --backup-dir');
      if (exact) throw new BackupError('backup-exists', `${path} already exists`, 'choose another --out file');
    }
  }
  throw new BackupError('backup-file', `cannot find a free backup file name like ${path}`, 'clean up the backup folder');
}

/** Every entry is a backup or its manifest (named `<time>Z_…`, as backupPath names them), or there is none. */
function holdsOnlyBackups(dir: string): boolean {
  return readdirSync(dir, { withFileTypes: true }).every((e) => e.isFile() && /^\d{8}T\d{6}Z_/.test(e.name));
}

export function finishBackup(path: string, manifest: Omit<BackupManifest, 'size' | 'sha256' | 'file'>): BackupManifest {
  chmodSync(path, 0o600);
  const bytes = readFileSync(path);
  const full: BackupManifest = { file: path, ...manifest, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  writeFileSync(`${path}.json`, JSON.stringify(full, null, 2) + '\n', { mode: 0o600 });
  return full;
}

export function readManifest(file: string): BackupManifest {
  const path = file.endsWith('.json') ? file : `${file}.json`;
  const data = file.endsWith('.json') ? file.slice(0, -5) : file;
  if (!existsSync(data)) throw new BackupError('backup-missing', `${data} does not exist`, 'see `migrate-tui backups` for the backups there are');
  if (!existsSync(path)) throw new BackupError('manifest-missing', `${data} has no manifest (${basename(path)}), so it is not a migrate-tui backup or its manifest was lost`, 'restore it with the database\'s own tools');
  const manifest = { ...parseManifest(path, readFileSync(path, 'utf8')), file: data };
  const sha = createHash('sha256').update(readFileSync(data)).digest('hex');
  if (sha !== manifest.sha256) throw new BackupError('backup-corrupt', `${data} does not match its manifest's checksum (changed or truncated since it was written)`, 'do not restore it; use another backup');
  return manifest;
}

export function listBackups(dir: string): BackupManifest[] {
  if (!existsSync(dir)) return [];
  // A path that is a file (a typo in --backup-dir) was an internal error (ENOTDIR, exit 70).
  if (!statSync(dir).isDirectory()) throw new BackupError('backup-dir-not-folder', `the backup folder ${dir} is a file, not a folder`, 'point --backup-dir (or "backups" in migrate-tui.config.json) at the folder that holds the backups', { dir });
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .flatMap((name) => {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, name), 'utf8')) as BackupManifest;
        const data = join(dir, name.slice(0, -5));
        return existsSync(data) ? [{ ...manifest, file: data, size: statSync(data).size }] : [];
      } catch {
        return [];
      }
    })
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

const SHA256 = /^[0-9a-f]{64}$/;
const REVISION = /^(?=.{1,64}$)(?:[0-9A-Za-z]+|[0-9]+(?:\.[0-9]+)+)$/;

/** A manifest as written by finishBackup, checked field by field before anything trusts it. */
export function parseManifest(path: string, text: string): BackupManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BackupError('manifest-invalid', `${path} is not valid JSON, so it cannot say what the backup holds`, 'restore with a backup whose manifest is intact, or with the database\'s own tools');
  }
  const m = value as Record<string, unknown>;
  const problems: string[] = [];
  const need = (field: string, ok: boolean) => ok || problems.push(field);
  need('an object', typeof m === 'object' && m !== null && !Array.isArray(m));
  if (problems.length === 0) {
    for (const field of ['createdAt', 'database', 'databaseName', 'dialect', 'tool', 'reason']) need(field, typeof m[field] === 'string');
    need('dialect', ['postgres', 'mysql', 'mariadb', 'sqlite'].includes(m.dialect as string));
    need('createdAt', !Number.isNaN(Date.parse(String(m.createdAt))));
    for (const field of ['versionRows', 'applied']) need(field, Array.isArray(m[field]) && (m[field] as unknown[]).every((r) => typeof r === 'string' && REVISION.test(r)));
    need('logMaxId', Number.isInteger(m.logMaxId) && (m.logMaxId as number) >= 0);
    need('includesStateTables', typeof m.includesStateTables === 'boolean');
    need('sha256', typeof m.sha256 === 'string' && SHA256.test(m.sha256));
  }
  if (problems.length > 0) {
    throw new BackupError('manifest-invalid', `${path} is not a valid migrate-tui manifest (bad or missing: ${[...new Set(problems)].join(', ')})`, 'restore with a backup whose manifest is intact, or with the database\'s own tools', { problems });
  }
  return m as unknown as BackupManifest;
}
