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
}

export class DirtyDatabaseError extends MigrateTuiError {
  constructor(dirty: DirtyStep, display: string) {
    const ran = dirty.ranStatements.map((s, i) => `    ${i + 1}. ${firstLine(s)}`).join('\n');
    super(
      'dirty',
      `${display} is dirty: the ${dirty.direction} of ${dirty.revision} stopped after ${dirty.statementsDone} of ${dirty.statementsTotal} statements (started ${dirty.startedAt})` +
        (ran ? `\n  statements that ran:\n${ran}` : '\n  no statement completed') +
        (dirty.error ? `\n  error: ${dirty.error}` : ''),
      `inspect the database, then: migrate-tui resolve ${dirty.revision} --resume (run the remaining statements), --reverse (run the other direction's SQL), --applied or --reverted (only record what is true now)`,
      { ...dirty },
    );
  }
}

export class MigrationFailedError extends MigrateTuiError {
  constructor(meta: {
    revision: string;
    direction: 'up' | 'down';
    path: string;
    line: number;
    statement: number;
    statements: number;
    databaseError: string;
    state: 'rolled-back' | 'dirty';
  }) {
    const where = `${meta.path}:${meta.line}`;
    const state =
      meta.state === 'rolled-back'
        ? `the migration was rolled back: the database is as it was before ${meta.revision}`
        : `the database is now DIRTY: statements 1–${meta.statement - 1} of ${meta.statements} ran and stay applied`;
    super(
      'migration-failed',
      `${meta.direction === 'up' ? 'upgrade' : 'downgrade'} of ${meta.revision} failed at statement ${meta.statement} of ${meta.statements} (${where}):\n  ${meta.databaseError}\n  ${state}`,
      meta.state === 'rolled-back'
        ? `fix the SQL at ${where} and run again`
        : `fix the cause, then \`migrate-tui resolve ${meta.revision} --resume\` to run the rest, --reverse to undo it, or --applied/--reverted after fixing it by hand`,
      meta,
    );
  }
}

/** A confirmation was needed and could not be asked. */
export class ConfirmationRefusedError extends MigrateTuiError {
  constructor(what: string) {
    super('needs-confirmation', `${what} needs a confirmation, but there is no terminal to ask on`, 'pass --yes to confirm in scripts and CI (review the plan first with --sql)', {});
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
