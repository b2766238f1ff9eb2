import type { CommandPlace, MigrateTuiError } from '../engine/index.js';
import { exitCodeForError } from './exit-codes.js';
import { engine } from './engine.js';
import { EXIT } from './exit-codes.js';
import type { CliIo } from './io.js';
import { TOOL_VERSION } from './version.js';
import { errorJson, errorLines } from './error-text.js';

/** An error a command threw (not commander's): printed, and its exit code. Never a stack trace for what a user or a file can cause. */
export function reportError(error: unknown, io: CliIo, json: boolean, place: CommandPlace): number {
  // The engine is loaded by every action (and by an unknown command's error), never by --version or --help.
  if (engine && error instanceof engine.MigrateTuiError) {
    if (json) io.out(JSON.stringify({ error: errorJson(error, place) }, null, 2) + '\n');
    else io.err(errorLines(error, place));
    return exitCodeFor(error);
  }
  // A connection that ended where no adapter said so (a tool's own session): said as that, not as an internal error (exit 70).
  if (engine && engine.endedConnection(error) === 'closed') {
    const message = `the connection to the database ended (the server closed it, or the network did): ${(error as Error).message}`;
    const hint = 'run `migrate-tui status` once the server answers: it reads what the database has';
    if (json) io.out(JSON.stringify({ error: { code: 'connection-lost', message, hint, meta: {} } }, null, 2) + '\n');
    else io.err(`error: ${message}\n  → ${engine.hintAt(hint, place)}\n`);
    return EXIT.failed;
  }
  // A database's own error outside a migration (permissions, a dropped connection…): the user's to fix.
  if (isDriverError(error)) {
    const message = (error as Error).message;
    if (json) io.out(JSON.stringify({ error: { code: 'database-error', message, hint: 'see the database message', meta: {} } }, null, 2) + '\n');
    else io.err(`error: the database said: ${message}\n  → check the connection, permissions and the database's state\n`);
    return EXIT.failed;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.err(`internal error in migrate-tui ${TOOL_VERSION} (please report it with this output):\n${detail}\n`);
  return EXIT.internal;
}

function isDriverError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return ['PostgresError', 'SqliteError'].includes(error.name) || 'sqlMessage' in error || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED'].includes((error as { code?: string }).code ?? '');
}

/** The exit code a command ends with on this error (a fleet target's own code in --json too). */
export function exitCodeFor(error: MigrateTuiError): number {
  if (error instanceof engine.InvalidMigrationsError) return EXIT.invalidMigrations;
  if (error instanceof engine.UsageError || error instanceof engine.TargetError) return EXIT.usage;
  if (error instanceof engine.PlanError || error instanceof engine.WriteError) return EXIT.failed;
  return exitCodeForError(error);
}
