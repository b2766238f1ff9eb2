/**
 * Where a command acted, as a command copied from one of its hints must repeat it: a bare
 * `migrate-tui resolve 2 --applied` reads DATABASE_URL, the config file or the embedded
 * default — another database than the one `--url` named, at 3 a.m. (A folder given with
 * --dir is not repeated: a bare command on the wrong folder refuses, it does not act.)
 */
export interface CommandPlace {
  /** The database came from --url: hints say `--url <url>` (the URL is never printed: it may hold a password). */
  readonly url: boolean;
}

/** Where `target` came from, as its hints must say it. */
export const commandPlaceOf = (target: { readonly source: string }): CommandPlace => ({ url: target.source === '--url' });

/** The commands that open the database (`init`, `revision`, `lint`, `heads`… read or write files only). */
const DATABASE_COMMANDS = ['upgrade', 'downgrade', 'stamp', 'resolve', 'status', 'current', 'backup', 'backups', 'restore', 'rollback', 'reset', 'seed', 'check', 'dump', 'load'];

/** `hint` with `--url <url>` after each `migrate-tui` command of the database it gives, when the database came from --url. */
export function hintAt(hint: string, place: CommandPlace): string {
  if (!place.url) return hint;
  return hint.replace(/`migrate-tui ([a-z][a-z-]*)/g, (whole, command: string) => (DATABASE_COMMANDS.includes(command) ? `\`migrate-tui --url <url> ${command}` : whole));
}

/** A database command to type, as a line shows it: `migrate-tui --url <url> downgrade -1` when the database came from --url. */
export const commandAt = (command: string, place: CommandPlace): string => `migrate-tui${place.url ? ' --url <url>' : ''} ${command}`;
