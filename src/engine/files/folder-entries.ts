import { join } from 'node:path';
import { problem, type FileProblem } from '../problems.js';
import type { SectionName } from './directives.js';
import type { VersionEntry } from './entry-types.js';
import { parseFileName } from './file-names.js';
import { addFlywayFile } from './flyway-entries.js';
import { gooseGoMigration } from './goose-go.js';
import { parseFlywayName } from './flyway-names.js';
import { readText } from './read-text.js';
import { singleFileLayout, type SingleFileLayout } from './single-file.js';
import { readSqlxFolder } from './sqlx-folder.js';
import { VERSION_TOKEN } from './version-order.js';

export type { NamedFile, VersionEntry } from './entry-types.js';

export interface FolderEntries {
  readonly entries: Map<string, VersionEntry>;
  /** `.sql` files not read at all (each has a `bad-file-name` warning). */
  readonly skipped: number;
  /** Their names, in the folder's order. */
  readonly skippedNames: readonly string[];
  /** popx files for dialects migrate-tui does not run (CockroachDB). */
  readonly foreign: number;
  /** Whether any file had a Flyway name (`V1__…sql`, `U1__…`, `R__…`, `B1__…`). */
  readonly flyway: boolean;
  /** How many files were read as Atlas files (plain `.sql` files beside an `atlas.sum`). */
  readonly atlas: number;
  /** How many files were read as sqlx simple migrations (a folder of plain `<number>_<name>.sql` files only: sqlx-folder.ts). */
  readonly sqlx: number;
}

/** Sorts a folder's file names into versions; names it cannot read become problems. */
export function collectEntries(dir: string, names: readonly string[], problems: FileProblem[]): FolderEntries {
  const entries = new Map<string, VersionEntry>();
  // A pair with a bad name is reported once, for the pair.
  const reportedBases = new Set<string>();
  let skipped = 0;
  const skippedNames: string[] = [];
  let foreign = 0;
  let flyway = false;
  let atlas = 0;
  let sqlx = 0;
  // Atlas's folders: `<version>[_<description>].sql` files with no markers, and the atlas.sum that Atlas keeps beside them.
  const atlasSum = names.includes('atlas.sum');
  // sqlx's simple migrations: only when every .sql file is one (decided before the loop, whose reads it saves).
  const sqlxFolder = readSqlxFolder(dir, names, problems);
  const stem = (n: string) => n.replace(/\.(up|down)\.[^/]*sql$|\.sql$/, '');
  const described = (e: VersionEntry) => e.flyway?.up?.name ?? e.flyway?.down?.name ?? e.single?.name ?? [...e.parts.values()].flatMap((p) => [p.up?.name, p.down?.name]).find((n) => n)!;

  for (const name of names) {
    const parsed = parseFileName(name);
    if (!parsed) {
      const goGo = name.endsWith('.go') ? gooseGoMigration(dir, name) : null;
      if (goGo) problems.push(goGo);
      continue;
    }
    // Only single files and problems need the path and stem: built on demand (10,000s of names).
    const path = parsed.kind === 'single' ? join(dir, name) : '';
    const pathOf = () => path || join(dir, name);
    let single: VersionEntry['single'];
    const fly = parsed.kind === 'single' ? parseFlywayName(name) : null;
    if (fly) {
      flyway = true;
      if (!addFlywayFile(dir, name, fly, entries, problems)) {
        skipped++;
        skippedNames.push(name);
      }
      continue;
    }
    if (parsed.kind === 'single') {
      const text = sqlxFolder.texts.has(name) ? sqlxFolder.texts.get(name)! : readText(path, problems);
      if (text === null) continue;
      const layout = singleFileLayout(text) ?? (atlasSum ? 'atlas' : sqlxFolder.sqlx ? 'sqlx' : null);
      if (layout === 'atlas') atlas++;
      if (layout === 'sqlx') sqlx++;
      if (!layout) {
        skipped++;
        skippedNames.push(name);
        problems.push(
          problem(
            'bad-file-name',
            path,
            0,
            'not read: neither an .up.sql/.down.sql pair, a goose (`-- +goose Up`) or dbmate (`-- migrate:up`) file, a Flyway V<version>__<description>.sql, nor one of a folder of sqlx simple migrations (every .sql file <number>_<name>.sql, none with a goose/dbmate marker)',
            ATLAS_NAME.test(name)
              ? 'if this is an Atlas folder, its atlas.sum is missing (Atlas refuses such a folder too): `atlas migrate hash` or `migrate-tui hash` writes it; else rename it to <version>_<slug>.up.sql (and add the matching .down.sql), mark its sections, or move it out of the folder'
              : 'rename it to <version>_<slug>.up.sql (and add the matching .down.sql), mark its sections, or move it out of the folder',
            'warning',
          ),
        );
        continue;
      }
      single = { name, slug: parsed.slug, autocommit: false, text, layout };
    } else if (parsed.dialect === 'foreign') {
      foreign++;
      continue;
    }
    if (!VERSION_TOKEN.test(parsed.version)) {
      const base = stem(name);
      if (reportedBases.has(base)) continue;
      reportedBases.add(base);
      problems.push(
        problem(
          'bad-version-token',
          pathOf(),
          0,
          `the version "${parsed.version}" (the part before the first "_") must be letters and digits only`,
          single ? `rename it to <version>_<slug>.sql with a version like 20261121093000 or 0001` : `rename ${base}.up.sql and ${base}.down.sql to <version>_<slug>.up.sql/.down.sql with a version like 20261121093000 or 0001`,
        ),
      );
      continue;
    }
    if (parsed.kind === 'pair' && parsed.oddExtension !== null) {
      const base = stem(name);
      problems.push(
        problem(
          'odd-file-name',
          pathOf(),
          0,
          `read as the ${parsed.direction} file of version ${parsed.version} (as golang-migrate reads it), though the name ends in .${parsed.direction}.${parsed.oddExtension}, not .${parsed.direction}.sql`,
          `rename it to ${base}.${parsed.direction}.sql`,
          'warning',
        ),
      );
    }
    let entry = entries.get(parsed.version);
    const key: SectionName | 'all' = parsed.kind === 'pair' && parsed.dialect !== 'foreign' ? (parsed.dialect ?? 'all') : 'all';
    const clash = entry && (entry.single || single || entry.flyway || entry.parts.get(key)?.[parsed.kind === 'pair' ? parsed.direction : 'up']);
    if (entry && clash) {
      const base = stem(name);
      if (reportedBases.has(base)) continue;
      reportedBases.add(base);
      problems.push(
        problem(
          'duplicate-version',
          pathOf(),
          0,
          `version ${parsed.version} is used twice: ${stem(described(entry))} and ${base}`,
          'give one of them a new version (e.g. `migrate-tui revision` makes a fresh timestamp), keeping .up/.down pairs together',
        ),
      );
      continue;
    }
    if (!entry) {
      entry = { version: parsed.version, parts: new Map() };
      entries.set(parsed.version, entry);
    }
    if (single) entry.single = single;
    else if (parsed.kind === 'pair') {
      const part = entry.parts.get(key) ?? {};
      part[parsed.direction] = { name, slug: parsed.slug, autocommit: parsed.autocommit };
      entry.parts.set(key, part);
    }
  }
  return { entries, skipped, skippedNames, foreign, flyway, atlas, sqlx };
}

/** What Atlas names its files: a 14-digit UTC timestamp, optionally `_<description>`. */
const ATLAS_NAME = /^[0-9]{14}(?:_.*)?\.sql$/;
