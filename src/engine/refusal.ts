import { InvalidMigrationsError, PlanError, TargetError, UsageError } from './errors.js';
import { DirtyDatabaseError, GapError } from './run/runtime-errors.js';
import { NoDatabaseError, ReadOnlyDatabaseError } from './dialects/dialect-errors.js';
import { OtherToolError } from './run/other-tools-map.js';
import { BackupError } from './safety/backups.js';
import { BackupToolError } from './dialects/dump-tools.js';

/**
 * An error raised while planning or checking, before anything ran (files missing, a dirty
 * database, a gap, a bad target, another tool's database on first contact): a refusal, which
 * every face titles so ("REFUSED — nothing ran"), not a failure, which may have changed the database.
 */
export function isRefusal(error: unknown): boolean {
  // ReadOnlyDatabaseError: the run's first write (its state tables) was refused, before any step.
  return [PlanError, GapError, TargetError, DirtyDatabaseError, InvalidMigrationsError, UsageError, ReadOnlyDatabaseError, OtherToolError].some((kind) => error instanceof kind);
}

/**
 * A fleet target's refusal: a check's (above), the backup a downgrade takes before its first
 * step that could not be taken (no dump tool, a lock it waited for), or a SQLite file that is not
 * there for a run: nothing ran, and it was "FAILED" ("an error that may have changed it").
 * The only backups a fleet takes (the CLI's and the fleet view's) are those before a downgrade.
 */
export function isFleetRefusal(error: unknown, run = true): boolean {
  // NoDatabaseError: a SQLite target's file (or its folder) is not there, so a run (`run`) opened and created nothing; a status of it is a failed read.
  return isRefusal(error) || error instanceof BackupToolError || error instanceof BackupError || (run && error instanceof NoDatabaseError);
}
