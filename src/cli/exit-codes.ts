import type { MigrateTuiError } from '../engine/index.js';

/** Exit codes; the README's table is made from the same list. */
export const EXIT = {
  ok: 0,
  /** `check` found problems; `verify` found a ✗; a migration or database operation failed. */
  failed: 1,
  /** Bad arguments, options or target. */
  usage: 2,
  /** The migration folder has errors (files or graph). */
  invalidMigrations: 3,
  /** A confirmation was needed and there was neither a terminal nor --yes (or it was declined). */
  refused: 4,
  /** The database is dirty (an unfinished non-transactional step): `resolve` first. */
  dirty: 5,
  /** Another run held the migration lock past --lock-timeout; or a read of the state waited on a locked table past the lock timeout. */
  lockTimeout: 6,
  /** Revisions not applied below applied ones (merged late): pass --out-of-order. */
  gaps: 7,
  /** No backup could be taken (dump tool missing or too old): install it, or --no-backup; `dump`'s tool or `load`'s client missing. */
  backupUnavailable: 8,
  /** `upgrade`/`downgrade --lint <level>`: the plan has a lint finding at that level or worse; nothing ran. */
  lintRefused: 9,
  /** The lease lock is stale (its owner stopped renewing it): check the owner is gone, then --steal-stale-lock. */
  staleLock: 10,
  /** First contact with a database another tool migrated (its table records applied versions): nothing written; `stamp` takes it over. */
  otherTool: 11,
  /** The run changed the database, but the schema file ("schemaFile") could not be written after it: `migrate-tui dump` writes it. */
  schemaFileNotWritten: 12,
  /** A run was cancelled by Ctrl-C or SIGTERM; the message says the state it left (rolled back, or DIRTY). */
  interrupted: 130,
  /** A bug in migrate-tui (please report it). */
  internal: 70,
} as const;

export const EXIT_DESCRIPTIONS: ReadonlyArray<[number, string]> = [
  [EXIT.ok, 'success (for `check`: no errors)'],
  [EXIT.failed, 'a fleet run had a failed or skipped target; `check` found problems (with `--strict`, warnings too), `verify` found a ✗ (a revision that does not round-trip or fails on a dialect, or a dialect that could not start), a migration failed and was rolled back, or a database operation failed; `load` failed (the message says what the database holds) or its file cannot be read; `import alembic` could not import everything (listed) or wrote nothing (the reason)'],
  [EXIT.usage, 'bad command line: unknown option, bad or ambiguous target, unknown revision, `restore` of another database\'s backup without --into-other-database, `load` without --file or "schemaFile", `import alembic` without an alembic.ini, --versions or --dialect'],
  [EXIT.invalidMigrations, 'the migration folder has errors; each is printed as path:line'],
  [EXIT.refused, 'a confirmation was needed, but there was no terminal and no --yes (or the answer was no)'],
  [EXIT.dirty, 'the database is dirty: a step failed part-way and left some statements applied (this run), or an earlier one did; the message says which statements stay applied; run `resolve`'],
  [EXIT.lockTimeout, 'another run held the migration lock longer than --lock-timeout; or, reading the state (`status`, `current`, `history`, a run before it starts) or writing a step\'s `started` row, a `stamp` or a `resolve --applied`/`--reverted`, another session held a lock on a table it reads or writes (an ALTER, a LOCK TABLE) longer than the lock timeout ("locks": {"timeout"}, 5 s): nothing was read or changed, and the message names the holder'],
  [EXIT.gaps, 'unapplied revisions below applied ones (merged late); rerun with --out-of-order'],
  [EXIT.backupUnavailable, 'no backup could be taken before a downgrade (dump tool missing or older than the server, or a lock it waited for past the lock timeout); install it or pass --no-backup. `restore` exits 8 when its tool is missing or fails, the message saying what it left (PostgreSQL: rolled back). `dump` exits 8 too when the dump tool (pg_dump, mariadb-dump or mysqldump) is missing or older than the server; `load` when its client (psql, mariadb or mysql) is missing or too old for the file\'s \\restrict line'],
  [EXIT.lintRefused, '`upgrade`/`downgrade --lint <level>` refused: the plan has a lint finding at that level or worse (printed); nothing ran'],
  [EXIT.staleLock, 'the lease lock (servers without advisory locks) is stale: its owner stopped renewing it; the message names the holder (user, host, pid) and how long ago it expired; if that process is gone, run again with `--steal-stale-lock`. A live lease is never taken over'],
  [EXIT.otherTool, 'first contact with a database another tool migrated: migrate-tui has no record of it, and golang-migrate\'s, dbmate\'s, goose\'s, Flyway\'s, Atlas\'s or Alembic\'s table records applied versions; `upgrade`/`downgrade` refuse before writing anything; the message names the table and its position and the `stamp` that takes the database over (or why none fits)'],
  [EXIT.schemaFileNotWritten, 'the run (`upgrade`, `downgrade`, `reset`, `stamp`, `resolve`) succeeded and changed the database, but the schema file ("schemaFile" in migrate-tui.config.json) could not be written after it: the message says the run DID take effect, why the file was not written, and that `migrate-tui dump` writes it. Not a failed migration: do not run it again'],
  [EXIT.interrupted, 'a run was cancelled by Ctrl-C or SIGTERM: the running statement was cancelled, and the message says the true state (rolled back, or DIRTY with the statements that stay applied and the `resolve` command); a second Ctrl-C abandons at once. `verify` drops its scratch databases first; a fleet run starts nothing new; `load` stops its client and says what the database holds; `--wait` (and `wait`) stop waiting for the server, having read nothing'],
  [EXIT.internal, 'internal error in migrate-tui (a bug: please report it with the output)'],
];

/** Maps a run's error to an exit code (the same table the README lists). */
export function exitCodeForError(error: MigrateTuiError): number {
  switch (error.code) {
    case 'dirty':
      return EXIT.dirty;
    case 'cancelled':
      return EXIT.interrupted;
    case 'schema-load-failed':
      return error.meta.cancelled ? EXIT.interrupted : EXIT.failed;
    case 'migration-failed':
      if (error.meta.cancelled) return EXIT.interrupted;
      // A failure that left part of the step applied is a dirty database, and exits as one.
      return error.meta.state === 'dirty' ? EXIT.dirty : EXIT.failed;
    case 'lock-timeout':
    case 'state-locked':
      return EXIT.lockTimeout;
    case 'stale-lock':
      return EXIT.staleLock;
    case 'gaps':
      return EXIT.gaps;
    case 'backup-tool':
      return EXIT.backupUnavailable;
    case 'other-tool':
      return EXIT.otherTool;
    case 'other-database':
      // The command line lacks --into-other-database (--yes does not stand in for it).
      return EXIT.usage;
    case 'needs-confirmation':
    case 'declined':
      return EXIT.refused;
    default:
      return EXIT.failed;
  }
}
