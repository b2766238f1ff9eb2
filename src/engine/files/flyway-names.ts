import { compareVersions } from './version-order.js';

/**
 * Flyway's SQL file names, as Flyway's ResourceNameParser and MigrationVersion read them
 * (default prefixes, separator `__`, suffix `.sql`):
 *   `V<version>__<description>.sql`  versioned;
 *   `U<version>__<description>.sql`  undo of that version (Flyway Teams);
 *   `B<version>__<description>.sql`  baseline (Flyway Teams): refused here;
 *   `R__<description>.sql`           repeatable: refused here.
 * The version is digits in parts separated by `.` or `_` (`_` is read as `.`); parts compare
 * as numbers, a missing part is 0 and trailing zero parts are dropped, so 1.0 = 1 = 001 and
 * 1.10 > 1.9. The description is what follows the first `__`, `_` read as a space.
 */
export type FlywayKind = 'versioned' | 'undo' | 'baseline' | 'repeatable';

export type FlywayName =
  | {
      readonly kind: FlywayKind;
      /** The version as written (`1_1`); empty for a repeatable. */
      readonly version: string;
      /** The revision id: the version's numeric parts joined by `.`, trailing zero parts dropped (`1_01_0` → `1.1`). */
      readonly id: string;
      /** The text after `__`, as in the file name (`_` not yet spaces). */
      readonly slug: string;
    }
  | { readonly kind: 'invalid'; readonly prefix: string; readonly reason: string };

const NAME = /^([VUBR])(.*?)__(.*)\.sql$/;
const FLYWAY_VERSION = /^[0-9]+(?:[._][0-9]+)*$/;
const KINDS: Record<string, FlywayKind> = { V: 'versioned', U: 'undo', B: 'baseline', R: 'repeatable' };

/** Null when the name is not a Flyway migration name at all (no `V`/`U`/`B`/`R` prefix, no `__`). */
export function parseFlywayName(name: string): FlywayName | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const prefix = m[1]!;
  const kind = KINDS[prefix]!;
  const version = m[2]!;
  const slug = m[3]!;
  if (kind === 'repeatable') {
    if (version !== '') return { kind: 'invalid', prefix, reason: `a repeatable migration has no version (Flyway wants R__${slug}.sql)` };
    return { kind, version: '', id: '', slug };
  }
  if (version === '') return { kind: 'invalid', prefix, reason: `no version between "${prefix}" and "__" (Flyway wants e.g. ${prefix}1.2__${slug || 'description'}.sql)` };
  if (!FLYWAY_VERSION.test(version)) return { kind: 'invalid', prefix, reason: `"${version}" is not a Flyway version (digits, in parts separated by "." or "_")` };
  return { kind, version, id: flywayVersionId(version), slug };
}

/**
 * The revision id of a Flyway version: `1_1` and `1.1` → `1.1`, `001` → `1`, `1.0` → `1`
 * (Flyway treats these as the same version). Also for mapping the versions that Flyway
 * recorded in `flyway_schema_history` to revision ids.
 */
export function flywayVersionId(version: string): string {
  const parts = version.split(/[._]/).map((p) => p.replace(/^0+(?=.)/, ''));
  while (parts.length > 1 && parts[parts.length - 1] === '0') parts.pop();
  return parts.join('.');
}

/**
 * Flyway's version order, for versions as its history table spells them (`1_1`, `1.10.0`) or
 * revision ids (`000002`): part by part as numbers (the ids' own order, version-order.ts).
 * Text that is not a version compares as text.
 */
export function compareFlywayVersions(a: string, b: string): number {
  const id = (v: string) => (FLYWAY_VERSION.test(v) ? flywayVersionId(v) : v);
  return compareVersions(id(a), id(b));
}

/** Whether text is a Flyway version (digits in parts separated by `.` or `_`). */
export const isFlywayVersion = (text: string): boolean => FLYWAY_VERSION.test(text);

/** What a revision without a down lacks, in its layout's words: `no Flyway U file` for a V file, else `no .down.sql`. */
export function missingDownWords(upPath: string): string {
  const name = upPath.slice(Math.max(upPath.lastIndexOf('/'), upPath.lastIndexOf('\\')) + 1);
  return parseFlywayName(name)?.kind === 'versioned' ? 'no Flyway U file' : 'no .down.sql';
}
