import { join } from 'node:path';
import { problem, type FileProblem } from '../problems.js';
import type { VersionEntry } from './entry-types.js';
import { parseFileName } from './file-names.js';
import { buildMigration, type Migration } from './migration.js';
import { readText } from './read-text.js';
import { singleFileLayout } from './single-file.js';
import { parseSqlSource } from './sql-source.js';

/**
 * sqlx's simple migrations (launchbadge/sqlx sqlx-core/src/migrate/source.rs): a file
 * `<VERSION>_<DESCRIPTION>.sql`, the version an i64 before the first `_`, run up only, in
 * order of the version as a number. `-- no-transaction` at the very start of the file runs
 * it outside a transaction. sqlx's reversible files (`.up.sql`/`.down.sql`) are
 * golang-migrate's pairs and read as those.
 *
 * A folder is read as sqlx's when every `.sql` file in it is such a name (none `.up.sql`/
 * `.down.sql`, none a Flyway name, every version a number that fits an i64), none has a
 * goose or dbmate up marker, and there is no atlas.sum (with one, Atlas's reading wins). A
 * goose or dbmate folder where one file lacks its marker is not one: that file stays the
 * warning it was.
 */

/** What refusals say a revision without a down lacks. */
export const SQLX_NO_DOWN = 'an sqlx simple migration: sqlx runs it up only';

/** sqlx's file names for simple migrations (its own test: `parts[1].ends_with(".sql")`). */
const SQLX_SIMPLE = /^([0-9]+)_.*\.sql$/;
const I64_MAX = 9223372036854775807n;

export interface SqlxReading {
  /** Whether the folder is read as sqlx's. */
  readonly sqlx: boolean;
  /** The texts already read (null: not readable, its problem noted), so no file is read twice. */
  readonly texts: ReadonlyMap<string, string | null>;
}

const NOT_SQLX: SqlxReading = { sqlx: false, texts: new Map() };

/** Decides whether a folder is sqlx's (reading its files only when every name fits). */
export function readSqlxFolder(dir: string, names: readonly string[], problems: FileProblem[]): SqlxReading {
  if (names.includes('atlas.sum')) return NOT_SQLX;
  const sql = names.filter((n) => n.endsWith('.sql'));
  if (sql.length === 0) return NOT_SQLX;
  for (const name of sql) {
    const m = SQLX_SIMPLE.exec(name);
    if (!m || parseFileName(name)?.kind !== 'single' || BigInt(m[1]!) > I64_MAX) return NOT_SQLX;
  }
  const texts = new Map<string, string | null>();
  let marked = false;
  for (const name of sql) {
    const text = readText(join(dir, name), problems);
    texts.set(name, text);
    // A goose or dbmate folder: the files not read yet are read by the caller, as before.
    if (text !== null && singleFileLayout(text) !== null) {
      marked = true;
      break;
    }
  }
  if (!marked) problems.push(...sameNumber(dir, sql));
  return { sqlx: !marked, texts };
}

/** sqlx keys a migration by its version as a number: `1_a.sql` and `01_b.sql` are the same version to it. */
function sameNumber(dir: string, names: readonly string[]): FileProblem[] {
  const seen = new Map<bigint, string>();
  const out: FileProblem[] = [];
  for (const name of names) {
    const n = BigInt(SQLX_SIMPLE.exec(name)![1]!);
    const first = seen.get(n);
    if (first === undefined) seen.set(n, name);
    else out.push(problem('duplicate-version', join(dir, name), 0, `version ${n} is used twice: ${first} and ${name} (sqlx reads the version as a number)`, 'give one of them a new version (`migrate-tui revision -m …` writes the next one)'));
  }
  return out;
}

/** One sqlx simple file as a revision: up only; `-- no-transaction` first turns the transaction off, as in sqlx. */
export function sqlxMigration(dir: string, entry: VersionEntry, previous: string | null, problems: FileProblem[]): Migration {
  const file = entry.single!;
  const path = join(dir, file.name);
  const off = file.text.startsWith('-- no-transaction') ? '`-- no-transaction` (sqlx, line 1)' : null;
  const source = parseSqlSource(path, file.text, 'up', off ? { transactionOff: off } : undefined);
  if (source.problems.length > 0) problems.push(...source.problems);
  return buildMigration(entry.version, file.slug, path, source, null, null, previous, problems, { silent: SQLX_NO_DOWN });
}

/** One note for the folder: sqlx's simple migrations have no downs. */
export function sqlxUpOnlyProblem(dir: string, count: number): FileProblem {
  return problem(
    'sqlx-up-only',
    dir,
    0,
    `an sqlx folder (simple migrations): its ${count} file${count === 1 ? ' has' : 's have'} no down migration (sqlx runs them up only), so every revision is irreversible and \`downgrade\` refuses to pass one`,
    'to go back, restore a backup, or write a new revision that undoes the change; sqlx\'s reversible files (`<version>_<name>.up.sql`/`.down.sql`) are read with their downs. If this is an Atlas folder, its atlas.sum is missing (Atlas refuses such a folder): `atlas migrate hash` or `migrate-tui hash` writes it, and the folder is then read as Atlas\'s',
    'warning',
  );
}
