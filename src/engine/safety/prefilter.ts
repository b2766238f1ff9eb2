/**
 * The statement readers' short cuts (a DML statement classified by its first word; lint's
 * INSERTs parsed once per shape) are on; tests turn them off to prove the readings equal.
 */
let enabled = true;

export const shortcutsOn = (): boolean => enabled;

/** For tests: read every statement the long way (false), or with the short cuts (true). */
export function setReadingShortcuts(on: boolean): void {
  enabled = on;
}
