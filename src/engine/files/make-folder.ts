import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { WriteError } from '../errors.js';

/**
 * `mkdir -p`, one level at a time. Node's `mkdirSync(…, { recursive: true })` spins for ever
 * (100% CPU, deaf to SIGTERM) where mkdir answers ENOENT under a folder that exists — under
 * /proc or /sys, or on a stale mount — because its walk retries the parent, which exists, and
 * then the child again. Made level by level, such a path fails with ENOENT like any other.
 * A failure is a WriteError naming the folder and the reason (`what` says which folder it is),
 * never a raw Node error (exit 70). Returns whether the folder was created.
 */
export function makeFolder(path: string, what: string, hint: string, mode?: number): boolean {
  const missing: string[] = [];
  for (let dir = resolve(path); ; ) {
    if (exists(dir)) {
      // The folder, or a folder above it, there but not a folder (a file, /dev/null): callers would
      // write into it or change its mode; mkdir below it would say only ENOTDIR.
      if (!isFolder(dir)) throw new WriteError('folder-create-failed', `cannot create the ${what} ${path}: ${dir} is a file, not a folder`, hint, { path, file: dir, code: 'ENOTDIR' });
      break;
    }
    missing.push(dir);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir, mode === undefined ? {} : { mode });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      if (code === 'EEXIST' && isFolder(dir)) continue;
      const why = code === 'ENOTDIR' || code === 'EEXIST' ? `${code}: a file stands in the path` : code;
      throw new WriteError('folder-create-failed', `cannot create the ${what} ${path}: ${why}`, hint, { path, code });
    }
  }
  return missing.length > 0;
}

/** Something is at the path (a file too: mkdir of the child then says ENOTDIR). */
function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
