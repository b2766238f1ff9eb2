import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Other tools' files in the working folder that name a database, which migrate-tui does not
 * read: when nothing else names one, the embedded default would be used instead of it
 * (connection.ts's refusal says so).
 */

/** `./.env` when it sets a non-empty DATABASE_URL (dbmate's convention); null otherwise. */
export function dotenvDatabaseUrl(cwd: string): string | null {
  const text = readIfFile(resolve(cwd, '.env'));
  return text !== null && /^[ \t]*(?:export[ \t]+)?DATABASE_URL[ \t]*=[ \t]*["']?[^\s"'#]/m.test(text) ? './.env' : null;
}

/** `./flyway.conf` when it sets `flyway.url`, `./flyway.toml` when it sets a `url` (Flyway's); null otherwise. */
export function flywayDatabaseUrl(cwd: string): string | null {
  const conf = readIfFile(resolve(cwd, 'flyway.conf'));
  if (conf !== null && /^[ \t]*flyway\.url[ \t]*[=:][ \t]*\S/m.test(conf)) return './flyway.conf';
  const toml = readIfFile(resolve(cwd, 'flyway.toml'));
  if (toml !== null && /^[ \t]*url[ \t]*=[ \t]*["']\s*jdbc:/m.test(toml)) return './flyway.toml';
  return null;
}

function readIfFile(path: string): string | null {
  try {
    return existsSync(path) && statSync(path).isFile() ? readFileSync(path, 'utf8') : null;
  } catch {
    return null;
  }
}
