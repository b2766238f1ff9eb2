import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { join } from 'node:path';
import { problem, type FileProblem } from '../problems.js';
import { parseSqlSource, type HeaderDirective, type SourceKind, type SqlSource } from './sql-source.js';
import { compareVersions, VERSION_TOKEN } from './version-order.js';

/** One revision as its files declare it. */
export interface Migration {
  readonly id: string;
  readonly slug: string;
  readonly message: string;
  readonly upPath: string;
  readonly downPath: string | null;
  /** Parents: from `-- migrate:revises`, else the migration before it in version order. */
  readonly parents: readonly string[];
  readonly parentsExplicit: boolean;
  readonly dependsOn: readonly string[];
  readonly branchLabels: readonly string[];
  readonly transaction: boolean;
  readonly irreversible: boolean;
  /** Header lines by name, so graph errors can point at them. */
  readonly headerLines: Readonly<Partial<Record<HeaderDirective['name'], number>>>;
  readonly up: SqlSource;
  readonly down: SqlSource | null;
}

export interface MigrationFolder {
  readonly dir: string;
  /** In version order. */
  readonly migrations: readonly Migration[];
  readonly problems: readonly FileProblem[];
}

const MIGRATION_FILE = /^(.*)\.(up|down)\.sql$/;
const BRANCH_LABEL = /^[A-Za-z_][A-Za-z0-9_]*$/;

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

function buildMigration(
  id: string,
  slug: string,
  upPath: string,
  up: SqlSource,
  downPath: string | null,
  down: SqlSource | null | (() => SqlSource | null),
  previous: string | null,
  problems: FileProblem[],
): Migration {
  const headerLines: Partial<Record<HeaderDirective['name'], number>> = {};
  let parents: string[] = previous ? [previous] : [];
  let parentsExplicit = false;
  let dependsOn: string[] = [];
  let branchLabels: string[] = [];
  let message = slug.replace(/_/g, ' ').trim() || id;
  let transaction = true;
  let irreversible = false;

  const bad = (h: HeaderDirective, what: string, hint: string) =>
    problems.push(problem('bad-header-value', upPath, h.line, `\`-- migrate:${h.name}\` ${what}`, hint));

  for (const h of up.headers) {
    headerLines[h.name] = h.line;
    switch (h.name) {
      case 'revises': {
        parentsExplicit = true;
        if (h.value.toLowerCase() === 'base') {
          parents = [];
          break;
        }
        const ids = idList(h.value);
        if (ids.length === 0 || ids.some((x) => !VERSION_TOKEN.test(x))) {
          bad(h, `needs revision ids (letters and digits) or "base", got "${h.value}"`, 'write e.g. `-- migrate:revises 20261121093000` or `-- migrate:revises a1, b2` for a merge');
          parents = [];
        } else parents = dedupe(ids);
        break;
      }
      case 'depends-on': {
        const ids = idList(h.value);
        if (ids.length === 0 || ids.some((x) => !VERSION_TOKEN.test(x))) {
          bad(h, `needs revision ids (letters and digits), got "${h.value}"`, 'write e.g. `-- migrate:depends-on 20261121093000`');
        } else dependsOn = dedupe(ids);
        break;
      }
      case 'branch': {
        const labels = idList(h.value);
        if (labels.length === 0 || labels.some((x) => !BRANCH_LABEL.test(x))) {
          bad(h, `needs labels made of letters, digits and "_" (not starting with a digit), got "${h.value}"`, 'write e.g. `-- migrate:branch billing`');
        } else branchLabels = dedupe(labels);
        break;
      }
      case 'message':
        if (h.value === '') bad(h, 'is empty', 'write the message after the colon, or remove the line to use the file name');
        else message = h.value;
        break;
      case 'transaction': {
        const v = h.value.toLowerCase();
        if (v === 'off' || v === 'false' || v === 'no') transaction = false;
        else if (v === 'on' || v === 'true' || v === 'yes') transaction = true;
        else bad(h, `must be "on" or "off", got "${h.value}"`, 'write `-- migrate:transaction off` to run without a wrapping transaction');
        break;
      }
      case 'irreversible':
        if (h.value !== '') bad(h, 'takes no value', 'write just `-- migrate:irreversible`');
        irreversible = true;
        break;
    }
  }

  // Empty and comment-only files are valid no-op migrations, as in golang-migrate, dbmate,
  // goose and popx: they run (nothing), are recorded, and `check` says so as a warning.
  const isMerge = parents.length > 1;
  if (!up.hasContent && !isMerge) {
    problems.push(
      problem(
        'empty-migration',
        upPath,
        0,
        'this migration has no SQL for any dialect: it will be recorded as applied without running anything',
        'write the SQL of the change, or keep it as a deliberate no-op (`check --strict` fails on warnings)',
        'warning',
      ),
    );
  }
  // An up without a down is valid in golang-migrate: the revision is irreversible.
  if (!downPath && !irreversible) {
    irreversible = true;
    problems.push(
      problem(
        'up-without-down',
        upPath,
        0,
        'no matching .down.sql: the revision is irreversible (downgrades past it are refused)',
        `add ${id}_${slug}.down.sql with the SQL that undoes this one, or put \`-- migrate:irreversible\` at the top of this file to say so`,
        'warning',
      ),
    );
  }
  if (downPath && irreversible) {
    problems.push(
      problem(
        'irreversible-with-down',
        upPath,
        headerLines.irreversible ?? 0,
        'marked irreversible but it has a .down.sql, which will never run',
        `remove \`-- migrate:irreversible\`, or delete ${downPath}`,
        'warning',
      ),
    );
  } else if (down && typeof down !== 'function' && !down.hasContent && up.hasContent) {
    problems.push(
      problem(
        'empty-down',
        down.path,
        0,
        'the .down.sql has no SQL, so a downgrade records the revision as undone without undoing anything',
        'write the SQL that undoes the up file, or delete this file and mark the up file `-- migrate:irreversible`',
        'warning',
      ),
    );
  }

  return new IndexedMigration(id, slug, message, upPath, downPath, parents, parentsExplicit, dependsOn, branchLabels, transaction, irreversible, headerLines, up, down);
}

/** A migration whose down file may be read on first use (see ReadOptions.lazyDown). */
class IndexedMigration implements Migration {
  private downSource: SqlSource | null | undefined;
  constructor(
    readonly id: string,
    readonly slug: string,
    readonly message: string,
    readonly upPath: string,
    readonly downPath: string | null,
    readonly parents: readonly string[],
    readonly parentsExplicit: boolean,
    readonly dependsOn: readonly string[],
    readonly branchLabels: readonly string[],
    readonly transaction: boolean,
    readonly irreversible: boolean,
    readonly headerLines: Readonly<Partial<Record<HeaderDirective['name'], number>>>,
    readonly up: SqlSource,
    private readonly readDown: SqlSource | null | (() => SqlSource | null),
  ) {
    if (typeof readDown !== 'function') this.downSource = readDown;
  }

  get down(): SqlSource | null {
    if (this.downSource === undefined) this.downSource = (this.readDown as () => SqlSource | null)();
    return this.downSource;
  }
}

/** One buffer reused for every small file: no fstat and no allocation per read. */
const shared = Buffer.allocUnsafe(1 << 16);

function readBytes(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const n = readSync(fd, shared, 0, shared.length, 0);
    if (n < shared.length) return shared.subarray(0, n);
  } finally {
    closeSync(fd);
  }
  return readFileSync(path);
}

/** Reads a file as strict UTF-8; a bad byte is reported with its line. */
export function readText(path: string, problems: FileProblem[]): string | null {
  let bytes: Buffer;
  try {
    bytes = readBytes(path);
  } catch (error) {
    problems.push(problem('unreadable-file', path, 0, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'check its permissions'));
    return null;
  }
  if (!isUtf8(bytes)) {
    problems.push(
      problem(
        'not-utf8',
        path,
        firstBadUtf8Line(bytes),
        'the file is not valid UTF-8',
        'save it as UTF-8 (e.g. `iconv -f latin1 -t utf-8`); SQL files are read as UTF-8 only',
      ),
    );
    return null;
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function firstBadUtf8Line(bytes: Buffer): number {
  let line = 1;
  let start = 0;
  for (let k = 0; k <= bytes.length; k++) {
    if (k === bytes.length || bytes[k] === 0x0a) {
      try {
        utf8.decode(bytes.subarray(start, k));
      } catch {
        return line;
      }
      line++;
      start = k + 1;
    }
  }
  return 1;
}

function idList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function dedupe(values: string[]): string[] {
  return [...new Set(values)];
}

/** A seed file: dialect blocks only, run in name order by `seed`. */
export interface SeedFile {
  readonly name: string;
  readonly path: string;
  readonly source: SqlSource;
}

export function readSeedFolder(dir: string): { seeds: SeedFile[]; problems: FileProblem[] } {
  const problems: FileProblem[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.sql')).sort();
  } catch {
    return { seeds: [], problems };
  }
  const seeds: SeedFile[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const text = readText(path, problems);
    if (text === null) continue;
    const source = parseSqlSource(path, text, 'seed' satisfies SourceKind);
    problems.push(...source.problems);
    seeds.push({ name, path, source });
  }
  return { seeds, problems };
}
