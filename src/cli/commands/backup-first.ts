import type { BackupManifest, Migrator } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { DatabaseContext } from '../wiring.js';

/** `--no-backup` / `--backup-dir`: the flags of every command that destroys and backs up first (downgrade, reset, resolve). */
export interface BackupChoice {
  readonly backup: boolean;
  readonly backupDir: string;
}

/**
 * Before the confirmation: where the backup will go (its dump tool checked now, so a missing
 * or too old one refuses with exit 8 before anything is asked), or that none will be taken.
 * Nothing is written yet. Returns the file, or null with --no-backup.
 */
export async function announceBackup(ctx: DatabaseContext, m: Migrator, choice: BackupChoice): Promise<string | null> {
  if (!choice.backup) {
    ctx.io.err('NO BACKUP will be taken (--no-backup)\n');
    return null;
  }
  const tool = await m.db.backupTool();
  const file = engine.backupPath(choice.backupDir, m.db.databaseName, (await m.readState()).versionRows, m.db.backupExtension);
  // Written only after the confirmation: until then it is conditional (a refusal writes nothing).
  ctx.io.err(ctx.yes ? `a backup will be written first, to ${file} (${tool})\n` : `a backup would be written first, to ${file} (${tool}), once confirmed\n`);
  return file;
}

/** The question that confirms an action announced with `announceBackup`: it says whether a backup comes first. */
export function backupQuestion(action: string, file: string | null): string {
  return `${action}${file ? ' after the backup' : ' WITHOUT a backup'}? [y/N] `;
}

/** After the confirmation: takes the announced backup (none with --no-backup) and says where it is. */
export async function takeBackup(ctx: DatabaseContext, m: Migrator, choice: BackupChoice, file: string | null, reason: string): Promise<BackupManifest | null> {
  if (!file) return null;
  // beforeRun: a database that takes no writes refuses before the dump, not after it.
  const manifest = await m.backup({ dir: choice.backupDir, out: file, reason, beforeRun: true });
  ctx.io.err(`backup written: ${manifest.file} (${manifest.size} bytes)\n`);
  return manifest;
}
