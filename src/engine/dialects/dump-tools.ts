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
 * Runs a dump or restore tool; secrets go in `env` or files, never in arguments. `hint`: the way
 * on when it fails (a dump's names --no-backup; a restore has no such flag).
 */
export async function runTool(path: string, args: readonly string[], options: { env?: Record<string, string>; stdinFile?: string; hint?: string } = {}): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(path, args as string[], { env: { ...process.env, ...options.env }, stdio: [options.stdinFile ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    if (options.stdinFile) createReadStream(options.stdinFile).pipe(child.stdin!);
    child.on('error', (e) => reject(new BackupToolError(`cannot run ${path}: ${e.message}`, 'check the tool is installed')));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new BackupToolError(`${path.split('/').pop()} failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`, options.hint ?? 'see the message above; --no-backup skips the backup'))));
  });
}
