import { redact, type ConnectionTarget } from '../connection.js';
import { MigrateTuiError } from '../errors.js';

/** Errors from running migrations; each says what state the database is in now. */

export interface DirtyStep {
  readonly revision: string;
  readonly direction: string;
  readonly statementsDone: number;
  readonly statementsTotal: number;
  readonly startedAt: string;
  readonly ranStatements: readonly string[];
  readonly error: string | null;
  /** Set when no outcome was recorded: this statement may or may not have completed. */
  readonly uncertain: { readonly statement: number; readonly sql: string | null } | null;
}

/** A seed's step in the log (`seed:<file>`): it has no down SQL, so `resolve --reverse` has nothing to run. */
export function isSeedStep(revision: string): boolean {
  return revision.startsWith('seed:');
}

/** The `resolve` modes that fit a dirty step: a seed's cannot be reversed. */
export function resolveModes(revision: string): string {
  return isSeedStep(revision) ? '--resume | --applied | --reverted' : '--resume | --reverse | --applied | --reverted';
}

export class DirtyDatabaseError extends MigrateTuiError {
  constructor(dirty: DirtyStep, display: string) {
    const ran = dirty.ranStatements.map((s, i) => `    ${i + 1}. ${firstLine(s)}`).join('\n');
    super(
      'dirty',
      `${display} is dirty: the ${dirty.direction} of ${dirty.revision} stopped after ${dirty.statementsDone} of ${dirty.statementsTotal} statements (started ${dirty.startedAt})` +
        (ran ? `\n  statements that ran:\n${ran}` : '\n  no statement is recorded as completed') +
        (dirty.uncertain
          ? `\n  the run stopped without recording an outcome (it was killed, lost its connection, or could not write to migrate-tui's log): statement ${dirty.uncertain.statement}` +
            (dirty.uncertain.sql ? ` (${firstLine(dirty.uncertain.sql)})` : '') +
            ' may or may not have completed; check whether its change is in the database before resuming'
          : '') +
        (dirty.error ? `\n  error: ${dirty.error}` : ''),
      isSeedStep(dirty.revision)
        ? `inspect the database, then: \`migrate-tui resolve ${dirty.revision} --resume\` (run the remaining statements), or --applied or --reverted (only record what is true now); a seed has no down SQL: undo what ran by hand before --reverted`
        : `inspect the database, then: \`migrate-tui resolve ${dirty.revision} --resume\` (run the remaining statements), --reverse (run the other direction's SQL), --applied or --reverted (only record what is true now)`,
      { ...dirty },
    );
  }
}

/** What a failed step left behind, beyond the statement that failed. */
export interface FailureOutcome {
  /** Statements that ran and stay applied (committed). */
  readonly kept: number;
  /** The file's own transaction that was open at the failure and was rolled back: its BEGIN and how many statements ran in it. */
  readonly ranInOwnTransaction: { readonly from: number; readonly line: number; readonly count: number } | null;
  /** The rolled-back statements may have committed anyway (DDL commits implicitly on MySQL/MariaDB). */
  readonly uncertain: boolean;
  /** What failed is migrate-tui's own write of the step's progress after statement `statement - 1` (or of its end), not a statement. */
  readonly bookkeeping?: boolean;
  /** The log row could not be marked with this outcome: it still records `recorded` statements as done. */
  /** The log row could not be marked with the outcome (`stopped`: not tried, Ctrl-C stopped the wait for the lock on the log). */
  readonly unmarked?: { readonly recorded: number; readonly stopped?: boolean; readonly waitedMs?: number };
}

export class MigrationFailedError extends MigrateTuiError {
  constructor(
    meta: FailureOutcome & {
      revision: string;
      direction: 'up' | 'down';
      path: string;
      line: number;
      statement: number;
      statements: number;
      databaseError: string;
      state: 'rolled-back' | 'dirty';
      dialect: string;
      /** The user cancelled the run (Ctrl-C, SIGTERM, the TUI): the failure is the cancel. */
      cancelled?: boolean;
      /** Who cancelled it, when not the user (the lease lock was lost). */
      cancelledBy?: string;
      /** What the database is left in, when it is not this step's own outcome (a failed resolve: still dirty from the step it resolves). */
      stateNote?: string;
      /** The step ran in one transaction (false: statement by statement — MySQL/MariaDB DDL, `transaction off`, a resume). */
      inTransaction?: boolean;
      /** A resolve's step (`resume` / `reverse`) or a seed, not a plain upgrade/downgrade: the message names what ran. */
      purpose?: 'resume' | 'reverse' | 'seed';
      /** A seed's failure: how many revisions are not applied (a seed run before `upgrade` fails on tables that do not exist yet). */
      pendingRevisions?: number;
      /** The migration lock is a lease row (released by the run), not the session's advisory lock (gone with it). */
      leaseLock?: boolean;
      /** The connection ended under the step: the server ended the session (it said so), or the socket closed. */
      connectionEnded?: 'server-ended' | 'closed' | 'unsent';
    },
  ) {
    const pending = meta.purpose === 'seed' && !meta.cancelled && meta.pendingRevisions ? meta.pendingRevisions : 0;
    // "fix the SQL at seeds/01.sql:3" alone, when the seed's tables are not there because nothing is migrated yet.
    const pendingNote = pending === 0 ? '' : `; ${pending} revision${pending === 1 ? ' is' : 's are'} not applied yet: if the seed needs ${pending === 1 ? 'its' : 'their'} tables, run \`migrate-tui upgrade\` first`;
    const where = `${meta.path}:${meta.line}`;
    const verb = meta.purpose ? `${meta.purpose}` : meta.direction === 'up' ? 'upgrade' : 'downgrade';
    // "resume of 3 (its up SQL)": what ran, and which direction's SQL it was; "seed 01_users.sql": a seed file, not a revision.
    const of = meta.purpose === 'seed' ? meta.revision.replace(/^seed:/, '') : meta.purpose ? `of ${meta.revision} (its ${meta.direction} SQL)` : `of ${meta.revision}`;
    // Past the last statement: the SQL all ran, and what failed is the check or the bookkeeping after it.
    const afterStatements = meta.statement > meta.statements;
    super(
      'migration-failed',
      (afterStatements
        ? `${verb} ${of}: all ${meta.statements} statement${meta.statements === 1 ? '' : 's'} of ${meta.path} ran, but finishing the step failed (the checks after it, recording it in migrate-tui's tables, or the commit):`
        : meta.bookkeeping
        ? `${verb} ${of}: ${firstStatements(meta.statement - 1)} of ${meta.statements} (${meta.path}) ran, then writing its progress to migrate-tui's log failed:`
        : `${verb} ${of} failed at statement ${meta.statement} of ${meta.statements} (${where}):`) + `\n  ${meta.databaseError}\n  ${stateSentence(meta)}` + (meta.cancelled ? `\n  the run was cancelled ${meta.cancelledBy ?? 'by the user'}` : ''),
      (endedInTransaction(meta) && meta.purpose === 'seed'
        ? `run \`migrate-tui seed\` once the server answers: it runs ${of} again unless it committed (a seed that ran is skipped while unchanged)${meta.leaseLock ? '' : '; the migration lock ended with the session'}`
        : endedInTransaction(meta)
        ? `run \`migrate-tui status\` once the server answers${meta.connectionEnded === 'closed' ? ` (it shows whether ${meta.revision} is applied)` : ''}, then the command again${meta.connectionEnded === 'closed' ? ` if ${meta.revision} is still ${meta.direction === 'down' ? 'applied' : 'pending'}` : ''}${meta.leaseLock ? '' : '; the migration lock ended with the session'}`
        : meta.unmarked && meta.state === 'rolled-back'
        ? `once that is fixed: \`migrate-tui resolve ${meta.revision} --reverted\` records that nothing of it is applied (the log still says it started)`
        : (meta.bookkeeping || meta.unmarked) && meta.state === 'dirty' && !afterStatements && !meta.ranInOwnTransaction
        ? `${meta.connectionEnded ? "once the server answers (the connection ended)" : "once that is fixed (or that session has finished)"}: \`migrate-tui resolve ${meta.revision} --resume${meta.unmarked && meta.unmarked.recorded !== meta.kept ? ` --resume-at ${meta.kept + 1}` : ''}\` runs the rest (${firstStatements(meta.kept)} completed)${isSeedStep(meta.revision) ? '' : ', --reverse undoes it'}`
        : afterStatements
        ? meta.state === 'rolled-back'
          ? /lock timeout|lock wait timeout/i.test(meta.databaseError)
            ? `another session held a lock on migrate-tui's tables longer than the lock timeout; nothing of ${meta.revision} stays applied: run again once it has finished`
            : `see the error above; if the migration drops or changes migrate-tui's own tables (or their schema), it must not — fix ${meta.path} and run again`
          : meta.bookkeeping
          ? `every statement ran, and only migrate-tui's record of it failed: once the cause above is gone (that session has finished), \`migrate-tui resolve ${meta.revision} --applied\` records it`
          : `see the error above, fix it by hand, then \`migrate-tui resolve ${meta.revision} --applied\` (every statement ran)`
        : meta.state === 'rolled-back' && meta.cancelled
        ? `nothing of ${meta.revision} stays applied; run the command again to apply it`
        : meta.state === 'rolled-back'
        ? `fix the SQL at ${where} and run again` + (/cannot run inside a transaction block|cannot be executed within a pipeline|unsafe use of new value/i.test(meta.databaseError) ? '; if the statement cannot run inside a transaction, put `-- migrate:transaction off` at the top of the file' : '') + doubleQuotedString(meta.databaseError)
        : isSeedStep(meta.revision)
        ? `fix the cause, then \`migrate-tui resolve ${meta.revision} --resume\` to run the rest, or --applied/--reverted after fixing it by hand (a seed has no down SQL: undo what ran by hand before --reverted)`
        : `fix the cause, then \`migrate-tui resolve ${meta.revision} --resume\` to run the rest, --reverse to undo it, or --applied/--reverted after fixing it by hand`) + pendingNote,
      { ...meta },
    );
  }
}

/**
 * SQLite's refusal of a double-quoted string (`SET status = "Submitted Data"`, as in gophish's goose
 * files): SQLite's default build takes it as a string where no column has that name, and so did the
 * sqlite3 shell before 3.41; migrate-tui's SQLite (better-sqlite3) is built with SQLITE_DQS=0.
 */
function doubleQuotedString(error: string): string {
  // SQLite prints the name as it read it (a doubled quote inside it once).
  const m = /no such column: "(.*)" - should this be a string literal in single-quotes\?/.exec(error);
  if (!m) return '';
  const text = m[1]!;
  return `: write the string in single quotes, '${text.replace(/'/g, "''")}' — SQLite's default build (SQLITE_DQS=3) takes "${text}" as a string where no column has that name, and so did the sqlite3 shell before 3.41, but migrate-tui's SQLite (better-sqlite3) is built without that misfeature (SQLITE_DQS=0, as SQLite recommends)`;
}

/** Why nothing of a step run statement by statement stays applied: its first statement failed (a failed statement changes nothing). */
export function nothingApplied(statement: number): string {
  return statement <= 1 ? 'nothing of it is applied (it ran without a transaction, and its first statement failed)' : 'nothing of it is applied';
}

/** "statement 1", "statements 1–3", or "none": the first n statements of a file. */
export function firstStatements(n: number): string {
  return n === 0 ? 'none' : n === 1 ? 'statement 1' : `statements 1–${n}`;
}

/** Exactly what stays applied after a failed step, and what is uncertain. */
function stateSentence(meta: FailureOutcome & { revision: string; direction?: 'up' | 'down'; statement: number; statements: number; state: 'rolled-back' | 'dirty'; dialect: string; stateNote?: string; inTransaction?: boolean; purpose?: 'resume' | 'reverse' | 'seed'; connectionEnded?: 'server-ended' | 'closed' | 'unsent' }): string {
  return stateOf(meta) + (meta.unmarked ? unmarkedSentence(meta.unmarked.recorded, meta.kept, meta.unmarked.stopped === true, meta.unmarked.waitedMs) : '');
}

/** The log row that could not be marked, as `status` will read it. */
function unmarkedSentence(recorded: number, kept: number, stopped: boolean, waitedMs?: number): string {
  const records = recorded === 0 ? 'no statement' : firstStatements(recorded);
  const how = stopped ? 'was not marked with this either (the run was cancelled while it waited to write the log)' : `could not be marked with this either${waitedMs ? ` (it waited ${waitedMs / 1000} s more for that lock)` : ''}`;
  return `; migrate-tui's log ${how}: it still records ${records} as done, so \`status\` will show the step unfinished from there${kept > recorded ? `, though ${firstStatements(kept)} completed (${kept === 1 ? 'its end was' : 'the end of each was'} seen, by this run or the one it resumes)` : ''}`;
}

function stateOf(meta: Parameters<typeof stateSentence>[0]): string {
  const own = meta.ranInOwnTransaction;
  const ownRange = own ? `statement${own.count === 1 ? ` ${own.from + 1}` : `s ${own.from + 1}–${own.from + own.count}`}` : '';
  if (meta.state === 'rolled-back') {
    if (own) return `the file's own transaction (BEGIN at line ${own.line}) was rolled back and nothing before it had run: the database is as it was before ${meta.revision}`;
    if (meta.connectionEnded && meta.inTransaction !== false) return connectionEndedSentence(meta.connectionEnded, meta.revision, meta.statement, meta.purpose === 'seed', meta.direction ?? 'up');
    // Without a transaction there is nothing to roll back: nothing stays only because the first statement failed.
    return meta.inTransaction === false
      ? `${nothingApplied(meta.statement)}: the database is as it was before ${meta.revision}`
      : meta.purpose === 'seed'
        ? 'the seed was rolled back: the database is as it was before it'
        : `the migration was rolled back: the database is as it was before ${meta.revision}`;
  }
  if (meta.stateNote) return meta.stateNote;
  const kept = meta.kept === 0 ? 'no statement of it stays applied' : `${firstStatements(meta.kept)} of ${meta.statements} ran and stay${meta.kept === 1 ? 's' : ''} applied`;
  const rolledBack = own ? `; ${ownRange}, inside the file's own transaction (BEGIN at line ${own.line}), ran and ${own.count === 1 ? 'was' : 'were'} rolled back` : '';
  const uncertain = meta.uncertain
    ? `; ${meta.dialect} commits DDL implicitly, so any CREATE/ALTER/DROP among ${ownRange} stays applied despite the rollback: check the tables they touch (SHOW CREATE TABLE)`
    : '';
  return `the database is now DIRTY: ${kept}${rolledBack}${uncertain}`;
}

/** A confirmation was needed and could not be asked. */
export class ConfirmationRefusedError extends MigrateTuiError {
  /** `review`: how to see what it would do before passing --yes (each command has its own way). */
  constructor(what: string, review = 'the lines above say what it would do') {
    super('needs-confirmation', `${what} needs a confirmation, but there is no terminal to ask on; nothing was changed`, `pass --yes to confirm in scripts and CI (${review})`, {});
  }
}

export class DeclinedError extends MigrateTuiError {
  constructor(what: string) {
    super('declined', `${what}: not confirmed, nothing was changed`, 'run again and answer y to proceed', {});
  }
}

/** Revisions not applied while revisions that build on them are (merged late). */
export class GapError extends MigrateTuiError {
  constructor(gaps: readonly { revision: string; appliedDescendants: readonly string[] }[]) {
    super(
      'gaps',
      `${gaps.length} revision${gaps.length === 1 ? ' is' : 's are'} not applied although revisions built on ${gaps.length === 1 ? 'it are' : 'them are'}:\n` +
        gaps.map((g) => `  ${g.revision} (applied after it: ${g.appliedDescendants.join(', ')})`).join('\n'),
      'this happens when a file is merged late with a lower version; check it is safe to run now, then pass --out-of-order to apply it',
      { gaps },
    );
  }
}

function firstLine(sql: string): string {
  const line = sql.split('\n')[0]!;
  return line.length > 100 ? `${line.slice(0, 97)}…` : line;
}

/** A database error as a failure reports it: its message, its DETAIL (PostgreSQL's `Key (id)=(1) is duplicated.`) and what the failed statement left behind (an INVALID index), secrets masked. */
export function databaseMessageOf(error: unknown, connection: ConnectionTarget): string {
  const { detail, leftBehind } = (error ?? {}) as { detail?: unknown; leftBehind?: unknown }, message = error instanceof Error ? error.message : String(error);
  return redact(message + (typeof detail === 'string' && detail && !message.includes(detail) ? `\n  ${detail}` : '') + (typeof leftBehind === 'string' ? `\n  ${leftBehind}` : ''), connection);
}

/**
 * A transactional step whose connection ended: the server ending the session during a statement
 * (it said so) rolls its transaction back; a socket that closed may have taken the COMMIT's
 * answer with it — the step and its record are one transaction, so all or nothing, but which is
 * known only to the database.
 */
function connectionEndedSentence(how: 'server-ended' | 'closed' | 'unsent', revision: string, statement: number, seed: boolean, direction: 'up' | 'down'): string {
  const what = seed ? 'the seed' : revision;
  // A downgrade's step runs the down SQL and deletes the version row: it said "applied all of 2 with its version row".
  const all = direction === 'down' ? `ran all of ${revision}'s down SQL and removed its version row` : `applied all of ${what}${seed ? '' : ' with its version row'}`;
  if (how === 'unsent') return `the connection had ended before statement ${statement} was sent (the step's COMMIT never was): nothing of ${what} is applied, and the database is as it was before ${what}`;
  return how === 'server-ended'
    ? `the server ended the session during statement ${statement}, before the step's COMMIT: its transaction was rolled back with it, and the database is as it was before ${what}`
    : `the connection ended before the step's COMMIT answered (it was sent with the statements): the database ${all} (one transaction) or none of it, and ${seed ? "the seed's own row in migrate-tui's log with it" : '`migrate-tui status` shows which'}`;
}

/**
 * A run whose last step's COMMIT may or may not have committed (the connection ended before it
 * answered): the heads are those after its done steps, or those with that step too — `with 2
 * applied` (`with 2 reverted` for a downgrade); null when the outcome is known.
 */
export function unknownLastStep(error: { readonly meta?: Record<string, unknown> } | null | undefined): string | null {
  const meta = error?.meta;
  if (!meta || meta.connectionEnded !== 'closed' || !endedInTransaction(meta)) return null;
  return `with ${String(meta.revision)} ${meta.direction === 'down' ? 'reverted' : 'applied'}`;
}

/** The connection ended under a step that ran in the run's one transaction (not statement by statement, not in the file's own). */
function endedInTransaction(meta: { readonly connectionEnded?: unknown; readonly state?: unknown; readonly inTransaction?: unknown; readonly ranInOwnTransaction?: unknown }): boolean {
  return !!meta.connectionEnded && meta.state === 'rolled-back' && meta.inTransaction !== false && !meta.ranInOwnTransaction;
}
