import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { MigrateTuiError } from '../errors.js';

/** A dump tool is missing, too old for the server, or failed. */
export class BackupToolError extends MigrateTuiError {
  constructor(message: string, hint: string, meta: Record<string, unknown> = {}) {
    super('backup-tool', message, hint, meta);
  }
}

/** The first of `names` on PATH (the PATH of this process, so tests can hide a tool). */
export function findExecutable(...names: string[]): string | null {
  for (const name of names) {
    for (const dir of (process.env.PATH ?? '').split(':')) {
      if (dir && existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return null;
}

/** `major.minor` version printed by `tool --version`, or null. */
export function toolVersion(path: string, pattern: RegExp): { text: string; major: number } | null {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const m = pattern.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  return m ? { text: m[0], major: Number(m[1]) } : null;
}

/** A failed restore's way on (there is no backup to skip). */
export const RESTORE_HINT = 'see the message above';

/**
 * A restore tool's failure, said with what it left: pg_restore's one transaction rolled back, or
 * (a MySQL/MariaDB dump, each statement committed by itself) the tables before the failing line
 * replaced and the others not. A lock wait that ran out (an application's open transaction on a
 * table the restore replaces) says so and where to look.
 */
export function restoreFailed(error: unknown, how: { readonly oneTransaction: boolean; readonly product: string; readonly lockWaitMs?: number; readonly sessions: string; readonly cancelledBehind?: string }): unknown {
  if (!(error instanceof BackupToolError)) return error;
  const lock = how.cancelledBehind !== undefined || /lock timeout|lock wait timeout|\b1205\b/i.test(error.message);
  const line = /\bat line (\d+)/.exec(error.message)?.[1];
  const left = how.oneTransaction
    ? 'it ran in one transaction, so it was rolled back: the database is as it was before the restore'
    : `each statement of the dump commits by itself on ${how.product}: the tables ${line ? `before line ${line}` : 'it reached'} were replaced by the backup's, the others were not restored — the database is now part backup, part as it was`;
  const limit = `${Math.max(1, Math.round((how.lockWaitMs ?? 0) / 1000))} s`;
  const waited = lock && !how.cancelledBehind ? ` (another session held a lock on a table it replaces longer than ${limit})` : '';
  // Cancelled by the watch: the cause first, with the statement the tool names (`Command was: DROP TABLE …`).
  const command = /Command was: ([^\n]*?);?\s*$/.exec(error.message)?.[1];
  const said = how.cancelledBehind
    ? `${error.message.split(' ')[0]} waited ${limit} for a lock on a table it replaces${command ? ` (${command})` : ''}, held by ${how.cancelledBehind}, and was cancelled`
    : error.message.replace(/;\s*$/, '');
  const again = how.oneTransaction ? 'run restore again' : 'run restore again: it replaces every table of the backup again';
  return new BackupToolError(`${said}; ${left}${waited}`, lock ? `end that session (${how.sessions}: an application's open transaction?) or wait for it, then ${again}; "locks": {"timeout": <seconds>} in migrate-tui.config.json sets the wait` : how.oneTransaction ? RESTORE_HINT : `fix the cause, then ${again}`, { ...error.meta, rolledBack: how.oneTransaction, lockTimeout: lock, ...(line ? { line: Number(line) } : {}) });
}

/**
 * Runs a dump or restore tool; secrets go in `env` or files, never in arguments. `hint`: the way
 * on when it fails (a dump's names --no-backup; a restore has no such flag).
 */
export async function runTool(path: string, args: readonly string[], options: { env?: Record<string, string>; stdinFile?: string; hint?: string; stopOnExit?: boolean } = {}): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(path, args as string[], { env: { ...process.env, ...options.env }, stdio: [options.stdinFile ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    if (options.stopOnExit) {
      // A backup's dump ends with migrate-tui (a second ctrl-c abandons at once): left running, it
      // held its snapshot and its locks on the server (pg_dump's ACCESS SHARE on every table)
      // after the TUI had exited.
      const stop = () => void child.kill('SIGTERM');
      process.once('exit', stop);
      child.once('close', () => process.removeListener('exit', stop));
    }
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    if (options.stdinFile) createReadStream(options.stdinFile).pipe(child.stdin!);
    child.on('error', (e) => reject(new BackupToolError(`cannot run ${path}: ${e.message}`, 'check the tool is installed')));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new BackupToolError(`${path.split('/').pop()} failed (exit ${code}): ${toolMessage(stderr)}`, options.hint ?? 'see the message above; --no-backup skips the backup'))));
  });
}

/**
 * A tool's last 3 lines, after its first `error:` line when that is not among them: pg_dump
 * whose session the server ended printed `pg_dump: error: query failed: FATAL: terminating
 * connection due to administrator command`, then libpq's 3 lines, and only those were said
 * ("This probably means the server terminated abnormally … Query was: LOCK TABLE …").
 */
function toolMessage(stderr: string): string {
  const lines = stderr.trim().split('\n').filter((l) => !/^-+$/.test(l.trim()));
  const last = lines.slice(-3);
  const error = lines.find((l) => /\berror:/.test(l));
  return (error && !last.includes(error) ? [error, ...last] : last).map((l) => l.trim()).join(' ');
}
