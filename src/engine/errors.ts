import { formatProblem, type FileProblem } from './problems.js';

/**
 * Every error the engine raises for a user's input is one of these: a machine `code`,
 * structured `meta`, a message that says what is wrong and a `hint` that says what to do.
 * The same object renders as text, as JSON and in the TUI.
 */
export class MigrateTuiError extends Error {
  readonly code: string;
  readonly meta: Record<string, unknown>;
  readonly hint: string;

  constructor(code: string, message: string, hint: string, meta: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.hint = hint;
    this.meta = meta;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint, meta: this.meta };
  }
}

/** The migration folder has errors; every one of them is listed. */
export class InvalidMigrationsError extends MigrateTuiError {
  readonly problems: readonly FileProblem[];
  constructor(problems: readonly FileProblem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    // No folder at all: its own message and hint (there are no files to fix, nothing to check).
    const noFolder = errors.length === 1 && errors[0]!.code === 'missing-folder' ? errors[0]! : null;
    super(
      'invalid-migrations',
      noFolder
        ? `${noFolder.path}: ${noFolder.message}`
        : `${errors.length} problem${errors.length === 1 ? '' : 's'} in the migration files:\n` + errors.map(formatProblem).join('\n'),
      noFolder ? noFolder.hint : 'fix the files named above, then run `migrate-tui check`',
      { problems: errors },
    );
    this.problems = errors;
  }
}

/** A target (`head`, `+2`, `abc@base`, …) that cannot be resolved against the graph. */
export class TargetError extends MigrateTuiError {}

/** A command-line argument or option that is wrong. */
export class UsageError extends MigrateTuiError {
  constructor(message: string, hint: string, meta: Record<string, unknown> = {}) {
    super('usage', message, hint, meta);
  }
}

/** The plan cannot be made (irreversible step, nothing to merge, …). */
export class PlanError extends MigrateTuiError {}

/** Writing new migration files failed or would overwrite something. */
export class WriteError extends MigrateTuiError {}
