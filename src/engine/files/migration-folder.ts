import { existsSync, statSync } from 'node:fs';
import { dirname, join as joinPath } from 'node:path';
import { problem, type FileProblem } from '../problems.js';
import { atlasMigration, atlasOrder, atlasSumProblems, atlasUpOnlyProblem } from './atlas-folder.js';
import { DialectFilesSource } from './dialect-files.js';
import type { SectionName } from './directives.js';
import { collectEntries, type NamedFile, type VersionEntry } from './folder-entries.js';
import { flywayConfLocation } from './flyway-conf.js';
import { flywaySubfolderProblems } from './flyway-entries.js';
import { flywayMigration } from './flyway-migration.js';
import { parseFlywayName } from './flyway-names.js';
import { buildMigration, type Migration } from './migration.js';
import { listFolder, readTextOrLarge } from './read-text.js';
import { readStreamedSource, STREAM_ABOVE_BYTES } from './streamed-source.js';
import { readSingleFile } from './single-file.js';
import { sqlxMigration, sqlxUpOnlyProblem } from './sqlx-folder.js';
import { parseSqlSource, type SqlSource } from './sql-source.js';
import { compareVersions } from './version-order.js';

export type { Migration } from './migration.js';
export { readText } from './read-text.js';
export { readSeedFolder, type SeedFile } from './seed-folder.js';

export interface MigrationFolder {
  readonly dir: string;
  /** In version order. */
  readonly migrations: readonly Migration[];
  readonly problems: readonly FileProblem[];
  /** `.sql` files not read as migrations (each has a `bad-file-name` warning). */
  readonly skippedFiles: number;
}


/**
 * `path.join(dir, name)` for a name from the folder's listing (no separator in it): the
 * folder's part is normalised once per folder, not per file (path.join allocated ~18 MB of
 * the ~76 MB that indexing 10,000 pairs allocates).
 */
let lastDir: { dir: string; prefix: string } | null = null;
function join(dir: string, name: string): string {
  if (lastDir?.dir !== dir) lastDir = { dir, prefix: joinPath(dir, 'x').slice(0, -1) };
  return lastDir.prefix + name;
}

export interface ReadOptions {
  /**
   * Read .down.sql files only when a migration's `down` is first used. Commands that only
   * read the graph (heads, history…) skip 10,000 file reads; their problems are then not
   * reported (`check` and plans read everything).
   */
  readonly lazyDown?: boolean;
}

/** Other tools' default folders beside a folder that does not exist: a user switching tools has theirs there, not in migrations/. */
const OTHER_TOOLS_FOLDERS: ReadonlyArray<readonly [string, string]> = [
  ['db/migrations', "dbmate's default folder, and golang-migrate's usual one"],
  ['db/migration', "Flyway's default location"],
  ['src/main/resources/db/migration', "Flyway's location in a Spring Boot project"],
];

/** The hint for a missing folder when another tool's folder (or a Flyway config naming one, or an Alembic project) is beside it; null otherwise. */
function otherToolsFolder(dir: string): string | null {
  const root = dirname(dir);
  const isDir = (path: string) => existsSync(path) && statSync(path).isDirectory();
  const found = OTHER_TOOLS_FOLDERS.find(([folder]) => isDir(joinPath(root, folder)));
  if (found) {
    const path = joinPath(root, found[0]);
    return `${path} is there (${found[1]}): its files are read as they are, so pass --dir ${path}, or put "migrations": "${path}" in migrate-tui.config.json`;
  }
  const flyway = flywayConfLocation(root);
  if (flyway) {
    const path = joinPath(root, flyway.folder);
    const several = flyway.count > 1 ? ` (it names ${flyway.count} locations; migrate-tui reads one folder)` : '';
    return `${flyway.file} names ${flyway.location} (Flyway's locations)${several}: its files are read as they are, so pass --dir ${path}, or put "migrations": "${path}" in migrate-tui.config.json`;
  }
  if (existsSync(joinPath(root, 'alembic.ini'))) return 'an alembic.ini is there: an Alembic history is Python, which `migrate-tui import alembic` renders into SQL files first (`migrate-tui --dir sql --dialect <d> import alembic`; see "Switching from Alembic" in the README)';
  return null;
}

/** Reads a migration folder; never throws for what is in the files — problems are returned. */
export function readMigrationFolder(dir: string, options: ReadOptions = {}): MigrationFolder {
  const problems: FileProblem[] = [];
  let names: string[];
  try {
    names = listFolder(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(
      problem(
        'missing-folder',
        dir,
        0,
        code === 'ENOENT' ? 'the migrations folder does not exist' : `cannot read the migrations folder (${code ?? String(error)})`,
        code === 'ENOENT'
          ? otherToolsFolder(dir) ?? '`migrate-tui init` creates it (with the seeds folder and a config file), as does the first `migrate-tui revision -m "…"`; or point at the right one with --dir <folder> or "migrations" in migrate-tui.config.json'
          : 'check its permissions, or point at another folder with --dir <folder>',
      ),
    );
    return { dir, migrations: [], problems, skippedFiles: 0 };
  }

  const { entries, skipped, skippedNames, foreign, flyway, atlas, sqlx } = collectEntries(dir, names, problems);
  // Also when nothing was read: a --dir one level above Flyway's folders (db/ of db/migration) would apply nothing.
  if (flyway || entries.size === 0) problems.push(...flywaySubfolderProblems(dir, (name) => parseFlywayName(name) !== null));
  // An Atlas folder alone is in Atlas's order (file names, as bytes); mixed with other layouts, in version order.
  const all = [...entries.values()];
  const ordered = atlas > 0 && all.every((e) => e.single?.layout === 'atlas') ? atlasOrder(all) : all.sort((a, b) => compareVersions(a.version, b.version));
  if (atlas > 0) problems.push(...atlasSumProblems(dir, names), atlasUpOnlyProblem(dir, atlas));
  if (sqlx > 0) problems.push(sqlxUpOnlyProblem(dir, sqlx));
  else if (!flyway && all.length > 0 && names.includes('atlas.sum')) {
    // Another tool's folder with an atlas.sum (Atlas authors it, goose or golang-migrate runs it): checked, a difference warns.
    const singles = all.filter((e) => e.single);
    const format = singles.length === 0 ? 'golang-migrate' : singles.length === all.length && singles.every((e) => e.single!.layout === singles[0]!.single!.layout) ? singles[0]!.single!.layout : null;
    if (format !== null && format !== 'atlas' && format !== 'sqlx') problems.push(...atlasSumProblems(dir, names, { format }));
  }
  const migrations: Migration[] = [];
  const listed = flyway ? new Set(names) : new Set<string>();
  for (const entry of ordered) {
    const previous = migrations.length > 0 ? migrations[migrations.length - 1]!.id : null;
    const migration = entry.flyway
      ? flywayMigration(dir, entry, listed, previous, options.lazyDown ?? false, problems)
      : entry.single?.layout === 'atlas'
        ? atlasMigration(dir, entry, previous, problems)
        : entry.single?.layout === 'sqlx'
          ? sqlxMigration(dir, entry, previous, problems)
        : entry.single
        ? singleFileMigration(dir, entry, previous, problems)
        : pairMigration(dir, entry, previous, options, problems);
    if (migration) migrations.push(migration);
  }
  problems.push(...unreadSummary(dir, skippedNames, foreign, migrations.length));
  return { dir, migrations, problems, skippedFiles: skipped };
}

function singleFileMigration(dir: string, entry: VersionEntry, previous: string | null, problems: FileProblem[]): Migration {
  const file = entry.single!;
  const path = join(dir, file.name);
  const read = readSingleFile(path, file.text, file.layout as 'goose' | 'dbmate');
  problems.push(...read.problems);
  const marker = file.layout === 'goose' ? '`-- +goose Down`' : '`-- migrate:down`';
  const noDown = {
    message: read.downLine ? `the down section (line ${read.downLine}) has no SQL: the revision is irreversible (downgrades past it are refused)` : `no ${marker} section: the revision is irreversible (downgrades past it are refused)`,
    hint: `write the SQL that undoes it under ${marker}, or put \`-- migrate:irreversible\` at the top of this file to say so`,
  };
  return buildMigration(entry.version, file.slug, path, read.up, read.down ? path : null, read.down, previous, problems, noDown);
}

/** A version of `.up.sql`/`.down.sql` files: one pair, or popx files per dialect. */
function pairMigration(dir: string, entry: VersionEntry, previous: string | null, options: ReadOptions, problems: FileProblem[]): Migration | null {
  const plain = entry.parts.size === 1 ? entry.parts.get('all') : undefined;
  if (plain?.up) return plainPair(dir, entry.version, plain.up, plain.down ?? null, previous, options, problems);
  const parts = [...entry.parts].map(([key, files]) => ({ names: key === 'all' ? (['default'] as SectionName[]) : [key], ...files }));
  const ups = parts.filter((p) => p.up);
  const downs = parts.filter((p) => p.down);
  if (ups.length === 0) {
    if (downs.length === 0) return null; // only files for dialects not run here
    const down = downs[0]!.down!;
    problems.push(problem('down-without-up', join(dir, down.name), 0, `a .down.sql without its .up.sql (version ${entry.version})`, `add ${entry.version}_${down.slug}.up.sql, or delete this file`));
    return null;
  }
  const read = (file: NamedFile, kind: 'up' | 'down', into: FileProblem[]) => readSource(dir, file, kind, into);
  const popx = parts.length > 1 || parts[0]!.names[0] !== 'default';
  const combine = (kind: 'up' | 'down', into: FileProblem[]): SqlSource | null => {
    const files = (kind === 'up' ? ups : downs).flatMap((p) => {
      const source = read(kind === 'up' ? p.up! : p.down!, kind, into);
      return source ? [{ names: p.names, source }] : [];
    });
    if (files.length === 0) return null;
    return popx ? new DialectFilesSource(kind, files) : files[0]!.source;
  };

  const upFile = (ups.find((p) => p.names[0] === 'default') ?? ups[0]!).up!;
  const downFile = downs.length > 0 ? (downs.find((p) => p.names[0] === 'default') ?? downs[0]!).down! : null;
  const up = combine('up', problems);
  if (!up) return null;
  const downPath = downFile ? join(dir, downFile.name) : null;
  const down = !downFile ? null : options.lazyDown ? () => combine('down', []) : combine('down', problems);
  if (downFile && downFile.slug !== upFile.slug) problems.push(slugMismatch(downPath!, entry.version, upFile));
  return buildMigration(entry.version, upFile.slug, join(dir, upFile.name), up, downPath, down, previous, problems);
}

/** Reads and parses one file of a pair; null (with the problem noted) when it cannot be read. */
function readSource(dir: string, file: NamedFile, kind: 'up' | 'down', into: FileProblem[]): SqlSource | null {
  const path = join(dir, file.name);
  const text = readTextOrLarge(path, into, STREAM_ABOVE_BYTES);
  if (text === null) return null;
  const off = file.autocommit ? `\`.autocommit\` in the file name (${file.name})` : null;
  if (typeof text !== 'string') return readStreamedSource(path, kind, text.size, into, off);
  const source = parseSqlSource(path, text, kind, off ? { transactionOff: off } : undefined);
  if (source.problems.length > 0) into.push(...source.problems);
  return source;
}

function slugMismatch(downPath: string, version: string, upFile: NamedFile): FileProblem {
  return problem('slug-mismatch', downPath, 0, `paired by version with ${upFile.name}, but the names differ after the version`, `rename it to ${version}_${upFile.slug}.down.sql so the pair is obvious`, 'warning');
}

/** The common case, kept lean (10,000 pairs must index in well under a second): one up file and its down. */
function plainPair(dir: string, version: string, upFile: NamedFile, downFile: NamedFile | null, previous: string | null, options: ReadOptions, problems: FileProblem[]): Migration | null {
  const read = (file: NamedFile, kind: 'up' | 'down', into: FileProblem[]) => readSource(dir, file, kind, into);
  const upPath = join(dir, upFile.name);
  const up = read(upFile, 'up', problems);
  if (!up) return null;
  const downPath = downFile ? join(dir, downFile.name) : null;
  const down = !downFile ? null : options.lazyDown ? () => read(downFile, 'down', []) : read(downFile, 'down', problems);
  if (downFile && downFile.slug !== upFile.slug) problems.push(slugMismatch(downPath!, version, upFile));
  return buildMigration(version, upFile.slug, upPath, up, downPath, down, previous, problems);
}

/** `.sql` files that were not read: a summary, and an error when nothing was read at all (a deploy would apply nothing). */
function unreadSummary(dir: string, skippedNames: readonly string[], foreign: number, read: number): FileProblem[] {
  const out: FileProblem[] = [];
  const skipped = skippedNames.length;
  // Named here: the warnings that say why are printed by `check`, not by every command (status prints errors only).
  const named = skipped === 0 ? '' : ` (not read: ${skippedNames.slice(0, 3).join(', ')}${skipped > 3 ? ` and ${skipped - 3} more` : ''}; \`migrate-tui check\` says why for each)`;
  if (foreign > 0) {
    out.push(problem('foreign-dialect-files', dir, 0, `${foreign} file${foreign === 1 ? ' is' : 's are'} for CockroachDB (\`.cockroach.\` in the name), which migrate-tui does not run: not read`, 'nothing to do when the project runs on PostgreSQL, MySQL/MariaDB or SQLite; popx runs them only on CockroachDB too', 'warning'));
  }
  const unread = skipped + foreign;
  if (unread > 0 && read === 0) {
    out.push(problem('no-migrations-read', dir, 0, `none of the ${unread} .sql file${unread === 1 ? '' : 's'} in the folder was read as a migration: an upgrade would apply nothing`, 'name the files <version>_<slug>.up.sql/.down.sql (or Flyway\'s V<version>__<description>.sql), or give goose/dbmate files their `-- +goose Up` / `-- migrate:up` line, or keep Atlas files with their atlas.sum; a folder of sqlx simple migrations is read when every .sql file in it is <number>_<name>.sql' + named));
  } else if (skipped > 0) {
    out.push(problem('skipped-files', dir, 0, `${skipped} .sql file${skipped === 1 ? ' was' : 's were'} skipped (not read as migrations)${named}`, 'rename or move them, or leave them if they are not migrations', 'warning'));
  }
  return out;
}
