import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { problem, type FileProblem } from '../problems.js';
import { buildMigration, type Migration } from './migration.js';
import { readText } from './read-text.js';
import { parseSqlSource, type SqlSource } from './sql-source.js';
import { compareVersions, VERSION_TOKEN } from './version-order.js';

export type { Migration } from './migration.js';
export { readText } from './read-text.js';
export { readSeedFolder, type SeedFile } from './seed-folder.js';

export interface MigrationFolder {
  readonly dir: string;
  /** In version order. */
  readonly migrations: readonly Migration[];
  readonly problems: readonly FileProblem[];
}

const MIGRATION_FILE = /^(.*)\.(up|down)\.sql$/;

interface FilePair {
  version: string;
  up?: { name: string; slug: string };
  down?: { name: string; slug: string };
}

export interface ReadOptions {
  /**
   * Read .down.sql files only when a migration's `down` is first used. Commands that only
   * read the graph (heads, history…) skip 10,000 file reads; their problems are then not
   * reported (`check` and plans read everything).
   */
  readonly lazyDown?: boolean;
}

/** Reads a migration folder; never throws for what is in the files — problems are returned. */
export function readMigrationFolder(dir: string, options: ReadOptions = {}): MigrationFolder {
  const problems: FileProblem[] = [];
  let names: string[];
  try {
    // Plain names (no Dirent objects): this runs on 20,000 entries in big histories.
    names = readdirSync(dir).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(
      problem(
        'missing-folder',
        dir,
        0,
        code === 'ENOENT' ? 'the migrations folder does not exist' : `cannot read the migrations folder (${code ?? String(error)})`,
        'create it, or point at the right one with --dir <folder>',
      ),
    );
    return { dir, migrations: [], problems };
  }

  const pairs = new Map<string, FilePair>();
  // An up and a down with the same name problem are reported once, for the pair.
  const reportedBases = new Set<string>();
  for (const name of names) {
    const m = MIGRATION_FILE.exec(name);
    if (!m) {
      if (name.endsWith('.sql')) {
        problems.push(
          problem(
            'bad-file-name',
            join(dir, name),
            0,
            'not read: a migration file name must end in .up.sql or .down.sql',
            'rename it to <version>_<slug>.up.sql (and add the matching .down.sql), or move it out of the folder',
            'warning',
          ),
        );
      }
      continue;
    }
    const base = m[1]!;
    const direction = m[2] as 'up' | 'down';
    const underscore = base.indexOf('_');
    const version = underscore < 0 ? base : base.slice(0, underscore);
    const slug = underscore < 0 ? '' : base.slice(underscore + 1);
    if (!VERSION_TOKEN.test(version)) {
      if (reportedBases.has(base)) continue;
      reportedBases.add(base);
      problems.push(
        problem(
          'bad-version-token',
          join(dir, name),
          0,
          `the version "${version}" (the part before the first "_") must be letters and digits only`,
          `rename ${base}.up.sql and ${base}.down.sql to <version>_<slug>.up.sql/.down.sql with a version like 20261121093000 or 0001`,
        ),
      );
      continue;
    }
    let pair = pairs.get(version);
    if (!pair) {
      pair = { version };
      pairs.set(version, pair);
    }
    const existing = pair[direction];
    if (existing) {
      if (reportedBases.has(base)) continue;
      reportedBases.add(base);
      problems.push(
        problem(
          'duplicate-version',
          join(dir, name),
          0,
          `version ${version} is used twice: ${existing.name.replace(/\.(up|down)\.sql$/, '')} and ${base}`,
          'give one of them a new version (e.g. `migrate-tui revision` makes a fresh timestamp), keeping .up/.down pairs together',
        ),
      );
      continue;
    }
    pair[direction] = { name, slug };
  }

  const ordered = [...pairs.values()].sort((a, b) => compareVersions(a.version, b.version));
  const migrations: Migration[] = [];
  for (const pair of ordered) {
    if (!pair.up) {
      problems.push(
        problem(
          'down-without-up',
          join(dir, pair.down!.name),
          0,
          `a .down.sql without its .up.sql (version ${pair.version})`,
          `add ${pair.version}_${pair.down!.slug}.up.sql, or delete this file`,
        ),
      );
      continue;
    }
    const upPath = join(dir, pair.up.name);
    const upText = readText(upPath, problems);
    if (upText === null) continue;
    const up = parseSqlSource(upPath, upText, 'up');
    problems.push(...up.problems);

    const downPath = pair.down ? join(dir, pair.down.name) : null;
    let down: SqlSource | null | (() => SqlSource | null) = null;
    if (downPath && options.lazyDown) {
      down = () => {
        const text = readText(downPath, []);
        return text === null ? null : parseSqlSource(downPath, text, 'down');
      };
    } else if (downPath) {
      const downText = readText(downPath, problems);
      if (downText !== null) {
        down = parseSqlSource(downPath, downText, 'down');
        problems.push(...down.problems);
      }
    }
    if (downPath) {
      if (pair.down!.slug !== pair.up.slug) {
        problems.push(
          problem(
            'slug-mismatch',
            downPath,
            0,
            `paired by version with ${pair.up.name}, but the names differ after the version`,
            `rename it to ${pair.version}_${pair.up.slug}.down.sql so the pair is obvious`,
            'warning',
          ),
        );
      }
    }

    const previous = migrations.length > 0 ? migrations[migrations.length - 1]!.id : null;
    const migration = buildMigration(pair.version, pair.up.slug, upPath, up, downPath, down, previous, problems);
    migrations.push(migration);
  }
  return { dir, migrations, problems };
}

