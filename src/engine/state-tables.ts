import { UsageError } from './errors.js';

/** Names of the two state tables; configurable, validated, never pasted raw. */
export interface StateTableNames {
  readonly version: string;
  readonly log: string;
}

export const DEFAULT_STATE_TABLES: StateTableNames = { version: 'migrate_tui_version', log: 'migrate_tui_log' };

const TABLE_NAME = /^(?:[A-Za-z_][A-Za-z0-9_]{0,62}\.)?[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Both names, validated, and never the same table (the version rows would land in the log). */
export function stateTableNames(version: string, log: string): StateTableNames {
  const names = { version: validateTableName(version, 'version'), log: validateTableName(log, 'log') };
  if (names.version.toLowerCase() === names.log.toLowerCase()) {
    throw new UsageError(`versionTable and logTable are both "${version}"`, 'give them different names in migrate-tui.config.json (defaults: migrate_tui_version, migrate_tui_log)', { version, log });
  }
  return names;
}

export function validateTableName(name: string, what: string): string {
  if (!TABLE_NAME.test(name)) {
    throw new UsageError(
      `the ${what} table name "${name}" is not allowed`,
      'use letters, digits and "_" (not starting with a digit), at most 63 characters, optionally "schema.table"',
      { name },
    );
  }
  return name;
}

export { qualifiedName } from './dialects/dialect.js';
