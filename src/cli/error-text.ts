import type { CommandPlace, MigrateTuiError } from '../engine/index.js';
import { engine } from './engine.js';

/** The engine's error as the CLI says it: the message, then the hint, whose commands act where this one did (`--url <url>`). */
export function errorLines(error: MigrateTuiError, place: CommandPlace): string {
  return `error: ${error.message}\n  → ${engine.hintAt(error.hint, place)}\n`;
}

export function errorJson(error: MigrateTuiError, place: CommandPlace): object {
  return { ...error.toJSON(), hint: engine.hintAt(error.hint, place) };
}

/**
 * The line a command that reads on past the folder's errors prints: they are errors, and every
 * upgrade and downgrade refuses until they are fixed (Migrator checks the whole folder first).
 */
export function folderErrorsWarning(errors: number, dir: string): string {
  return `warning: ${errors} error${errors === 1 ? '' : 's'} in ${dir} (upgrade and downgrade refuse until ${errors === 1 ? 'it is' : 'they are'} fixed); run \`migrate-tui check\` for details\n`;
}
