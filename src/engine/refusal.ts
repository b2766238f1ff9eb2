import { InvalidMigrationsError, PlanError, TargetError, UsageError } from './errors.js';
import { DirtyDatabaseError, GapError } from './run/runtime-errors.js';

/**
 * An error raised while planning or checking, before anything ran (files missing, a dirty
 * database, a gap, a bad target): a refusal, which every face titles so ("REFUSED — nothing
 * ran"), not a failure, which may have changed the database.
 */
export function isRefusal(error: unknown): boolean {
  return [PlanError, GapError, TargetError, DirtyDatabaseError, InvalidMigrationsError, UsageError].some((kind) => error instanceof kind);
}
