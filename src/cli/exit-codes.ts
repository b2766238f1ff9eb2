/** Exit codes; the README's table is made from the same list. */
export const EXIT = {
  ok: 0,
  /** `check` found problems; a migration or database operation failed. */
  failed: 1,
  /** Bad arguments, options or target. */
  usage: 2,
  /** The migration folder has errors (files or graph). */
  invalidMigrations: 3,
  /** A confirmation was needed and there was neither a terminal nor --yes. */
  refused: 4,
  /** A bug in migrate-tui (please report it). */
  internal: 70,
} as const;

export const EXIT_DESCRIPTIONS: ReadonlyArray<[number, string]> = [
  [EXIT.ok, 'success (for `check`: no errors)'],
  [EXIT.failed, '`check` found problems, or a migration / database operation failed'],
  [EXIT.usage, 'bad command line: unknown option, bad or ambiguous target, unknown revision'],
  [EXIT.invalidMigrations, 'the migration folder has errors; each is printed as path:line'],
  [EXIT.refused, 'a confirmation was needed, but there was no terminal and no --yes'],
  [EXIT.internal, 'internal error in migrate-tui (a bug: please report it with the output)'],
];
