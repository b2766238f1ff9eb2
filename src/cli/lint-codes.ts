import type { ConfigFile } from '../engine/index.js';
import { engine } from './engine.js';

/**
 * The rule codes of the config file's "lint" are checked against the catalogue when the file
 * is read: a misspelt code (`DS4O1`) in "disable" or "severity" silenced or re-ranked nothing,
 * without a word. (The config reader is a base module and cannot see lint's rules.)
 */
export function checkLintCodes(config: ConfigFile): ConfigFile {
  const codes = [...(config.lint?.disable ?? []), ...Object.keys(config.lint?.severity ?? {})];
  const unknown = [...new Set(codes.filter((code) => engine.findRule(code) === undefined))];
  if (unknown.length > 0) {
    throw new engine.UsageError(
      `migrate-tui.config.json: "lint" names ${unknown.length === 1 ? 'an unknown rule code' : 'unknown rule codes'}: ${unknown.join(', ')}`,
      'use the codes `migrate-tui lint` prints (e.g. PG101, DS401; the README lists them under Rule catalogue)',
      { key: 'lint', codes: unknown },
    );
  }
  return config;
}
