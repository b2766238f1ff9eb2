import type { SectionName } from './directives.js';

/**
 * What a file name says, for every layout read:
 *   `<version>_<slug>.up.sql` / `.down.sql`         golang-migrate pairs (ours);
 *   `<version>_<slug>.up.<…sql>` (e.g. `.up..sql`)  read as golang-migrate reads it, with a warning;
 *   `<version>_<slug>[.<dialect>][.autocommit].up.sql`  popx (ory): the file runs on that
 *       dialect only (else on all), `.autocommit` without a transaction;
 *   `<version>_<slug>.sql`                           a goose/dbmate candidate (decided by content).
 */
export type FileName =
  | {
      readonly kind: 'pair';
      readonly version: string;
      readonly slug: string;
      readonly direction: 'up' | 'down';
      /** The popx dialect part: a section name, `foreign` for dialects not run here (CockroachDB), null for all. */
      readonly dialect: SectionName | 'foreign' | null;
      readonly autocommit: boolean;
      /** The extension when it is not exactly `sql` (golang-migrate reads any). */
      readonly oddExtension: string | null;
    }
  | { readonly kind: 'single'; readonly version: string; readonly slug: string };

const PAIR = /^(.+)\.(up|down)\.([^/]*sql)$/;

/** popx dialect spellings (pop's canonical names and aliases); CockroachDB has no dialect here. */
const POPX_DIALECTS: Record<string, SectionName | 'foreign'> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  pg: 'postgres',
  mysql: 'mysql',
  mariadb: 'mariadb',
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  cockroach: 'foreign',
  cockroachdb: 'foreign',
  crdb: 'foreign',
};

export function parseFileName(name: string): FileName | null {
  const m = PAIR.exec(name);
  if (!m) {
    if (!name.endsWith('.sql')) return null;
    return { kind: 'single', ...versionAndSlug(name.slice(0, -'.sql'.length)) };
  }
  let base = m[1]!;
  let autocommit = false;
  let dialect: SectionName | 'foreign' | null = null;
  if (base.endsWith('.autocommit')) {
    autocommit = true;
    base = base.slice(0, -'.autocommit'.length);
  }
  const dot = base.lastIndexOf('.');
  const part = dot > 0 ? POPX_DIALECTS[base.slice(dot + 1)] : undefined;
  if (part) {
    dialect = part;
    base = base.slice(0, dot);
  }
  return { kind: 'pair', ...versionAndSlug(base), direction: m[2] as 'up' | 'down', dialect, autocommit, oddExtension: m[3] === 'sql' ? null : m[3]! };
}

/** The version is the token before the first `_`; the slug is the rest. */
function versionAndSlug(base: string): { version: string; slug: string } {
  const underscore = base.indexOf('_');
  return underscore < 0 ? { version: base, slug: '' } : { version: base.slice(0, underscore), slug: base.slice(underscore + 1) };
}
