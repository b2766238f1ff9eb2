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

/** Another tool's setting that names the database: what it is, said as the subject of a sentence, and how to give it here. */
export interface UnreadSetting {
  readonly said: string;
  readonly hint: string;
}

const JDBC = 'its JDBC URL without `jdbc:`, the user and password in it (postgres://user:pass@host:5432/db)';
const GOOSE = "goose's driver and DSN as one URL (postgres://user:pass@host:5432/db, mysql://…, sqlite:./file.db; a key=value DSN written as a URL)";

/**
 * `./flyway.conf`'s `flyway.url`, `./flyway.toml`'s `url` (Flyway's), or goose's GOOSE_DBSTRING
 * in the environment; null when none is set.
 */
export function otherToolDatabaseSetting(cwd: string, env: Readonly<Record<string, string | undefined>>): UnreadSetting | null {
  const conf = readIfFile(resolve(cwd, 'flyway.conf'));
  if (conf !== null && /^[ \t]*flyway\.url[ \t]*[=:][ \t]*\S/m.test(conf)) return { said: "./flyway.conf sets Flyway's url", hint: JDBC };
  const toml = readIfFile(resolve(cwd, 'flyway.toml'));
  if (toml !== null && /^[ \t]*url[ \t]*=[ \t]*["']\s*jdbc:/m.test(toml)) return { said: "./flyway.toml sets Flyway's url", hint: JDBC };
  if (env.GOOSE_DBSTRING) return { said: "GOOSE_DBSTRING (goose's connection string) is set", hint: GOOSE };
  return null;
}

function readIfFile(path: string): string | null {
  try {
    return existsSync(path) && statSync(path).isFile() ? readFileSync(path, 'utf8') : null;
  } catch {
    return null;
  }
}
