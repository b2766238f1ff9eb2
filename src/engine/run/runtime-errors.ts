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

export class DirtyDatabaseError extends MigrateTuiError {
  constructor(dirty: DirtyStep, display: string) {
    const ran = dirty.ranStatements.map((s, i) => `    ${i + 1}. ${firstLine(s)}`).join('\n');
    super(
      'dirty',
      `${display} is dirty: the ${dirty.direction} of ${dirty.revision} stopped after ${dirty.statementsDone} of ${dirty.statementsTotal} statements (started ${dirty.startedAt})` +
        (ran ? `\n  statements that ran:\n${ran}` : '\n  no statement is recorded as completed') +
        (dirty.uncertain
          ? `\n  the run stopped without recording an outcome (it was killed, or lost its connection): statement ${dirty.uncertain.statement}` +
            (dirty.uncertain.sql ? ` (${firstLine(dirty.uncertain.sql)})` : '') +
            ' may or may not have completed; check whether its change is in the database before resuming'
          : '') +
        (dirty.error ? `\n  error: ${dirty.error}` : ''),
      `inspect the database, then: \`migrate-tui resolve ${dirty.revision} --resume\` (run the remaining statements), --reverse (run the other direction's SQL), --applied or --reverted (only record what is true now)`,
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
      /** A resolve's step (`resume` / `reverse`), not a plain upgrade/downgrade: the message names what ran. */
      purpose?: 'resume' | 'reverse';
    },
  ) {
    const where = `${meta.path}:${meta.line}`;
    const verb = meta.purpose ? `${meta.purpose}` : meta.direction === 'up' ? 'upgrade' : 'downgrade';
    // "resume of 3 (its up SQL)": what ran, and which direction's SQL it was.
    const of = meta.purpose ? `of ${meta.revision} (its ${meta.direction} SQL)` : `of ${meta.revision}`;
    // Past the last statement: the SQL all ran, and what failed is the check or the bookkeeping after it.
    const afterStatements = meta.statement > meta.statements;
    super(
      'migration-failed',
      (afterStatements
        ? `${verb} ${of}: all ${meta.statements} statement${meta.statements === 1 ? '' : 's'} of ${meta.path} ran, but finishing the step failed (the checks after it, recording it in migrate-tui's tables, or the commit):`
        : `${verb} ${of} failed at statement ${meta.statement} of ${meta.statements} (${where}):`) + `\n  ${meta.databaseError}\n  ${stateSentence(meta)}` + (meta.cancelled ? `\n  the run was cancelled ${meta.cancelledBy ?? 'by the user'}` : ''),
      afterStatements
        ? meta.state === 'rolled-back'
          ? /lock timeout|lock wait timeout/i.test(meta.databaseError)
            ? `another session held a lock on migrate-tui's tables longer than the lock timeout; nothing of ${meta.revision} stays applied: run again once it has finished`
            : `see the error above; if the migration drops or changes migrate-tui's own tables (or their schema), it must not — fix ${meta.path} and run again`
          : `see the error above, fix it by hand, then \`migrate-tui resolve ${meta.revision} --applied\` (every statement ran)`
        : meta.state === 'rolled-back' && meta.cancelled
        ? `nothing of ${meta.revision} stays applied; run the command again to apply it`
        : meta.state === 'rolled-back'
        ? `fix the SQL at ${where} and run again` + (/cannot run inside a transaction block|cannot be executed within a pipeline|unsafe use of new value/i.test(meta.databaseError) ? '; if the statement cannot run inside a transaction, put `-- migrate:transaction off` at the top of the file' : '')
        : `fix the cause, then \`migrate-tui resolve ${meta.revision} --resume\` to run the rest, --reverse to undo it, or --applied/--reverted after fixing it by hand`,
      { ...meta },
    );
  }
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
function stateSentence(meta: FailureOutcome & { revision: string; statement: number; statements: number; state: 'rolled-back' | 'dirty'; dialect: string; stateNote?: string; inTransaction?: boolean }): string {
  const own = meta.ranInOwnTransaction;
  const ownRange = own ? `statement${own.count === 1 ? ` ${own.from + 1}` : `s ${own.from + 1}–${own.from + own.count}`}` : '';
  if (meta.state === 'rolled-back') {
    if (own) return `the file's own transaction (BEGIN at line ${own.line}) was rolled back and nothing before it had run: the database is as it was before ${meta.revision}`;
    // Without a transaction there is nothing to roll back: nothing stays only because the first statement failed.
    return meta.inTransaction === false
      ? `${nothingApplied(meta.statement)}: the database is as it was before ${meta.revision}`
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
