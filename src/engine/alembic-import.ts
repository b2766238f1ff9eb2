import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UsageError, WriteError } from './errors.js';
import type { DialectName } from './dialects/dialect.js';
import { findDialect } from './dialects/registry.js';
import { migrationStatements, sourceStatements } from './files/migration-sql.js';
import { parseSqlSource } from './files/sql-source.js';
import { isError, type FileProblem } from './problems.js';
import { loadProject } from './project.js';
import { slugOf } from './revision-writer.js';
import { AlembicImportError, readAlembicProject, type AlembicProject } from './alembic-reader.js';
import { alembicVersions, planRevision, SQLALCHEMY_DIALECT, type ImportNote, type ImportProblem, type PlannedRevision } from './alembic-files.js';

export interface AlembicImportOptions {
  /** The Alembic project's root: Python runs there, with it on PYTHONPATH. */
  readonly root: string;
  /** alembic.ini (read for script_location, version_locations, prepend_sys_path), unless `versions`. */
  readonly ini: string;
  readonly section?: string;
  /** Versions folders, instead of what alembic.ini names. */
  readonly versions?: readonly string[];
  /** The migrate-tui folder to write: new or empty. */
  readonly dir: string;
  readonly dialects: readonly DialectName[];
  readonly python: string;
  readonly timeoutMs: number;
  /** MetaData naming_convention, as env.py's target_metadata would give Alembic. */
  readonly namingConvention?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
}

export interface AlembicImportResult {
  readonly alembic: string;
  readonly sqlalchemy: string;
  readonly dir: string;
  readonly dialects: readonly DialectName[];
  readonly revisions: number;
  readonly heads: readonly string[];
  /** Worded Alembic ids (`0001_initial`) and the version each is here (`0001`; its files keep the whole id as their name). */
  readonly renamed: ReadonlyArray<{ readonly alembic: string; readonly version: string }>;
  /** Every file written, in order. */
  readonly written: readonly string[];
  readonly problems: readonly ImportProblem[];
  readonly notes: readonly ImportNote[];
  /** The written folder read back by migrate-tui: its graph against Alembic's, and its statements against Alembic's. */
  readonly check: { readonly differences: readonly string[]; readonly errors: readonly FileProblem[]; readonly warnings: number };
}

/**
 * `import alembic`: an Alembic project as a migrate-tui folder with Alembic's revision ids and
 * graph, each revision's SQL rendered by Alembic itself, offline, for the dialects asked.
 * Nothing is written unless every id is a version token or a worded one (`0001_initial`, its
 * version 0001) and the folder is new or empty;
 * what could not be rendered is written as a placeholder that stops a run there, and listed.
 */
export async function importAlembic(options: AlembicImportOptions): Promise<AlembicImportResult> {
  if (options.versions && options.versions.length > 0) {
    for (const v of options.versions) {
      if (!existsSync(v) || !statSync(v).isDirectory()) throw new UsageError(`${v} is not a folder`, 'pass the folder that holds the Alembic revision files (e.g. --versions migrations/versions)');
    }
  } else if (!existsSync(options.ini)) {
    throw new UsageError(`no ${options.ini}`, 'run in the Alembic project\'s root (where alembic.ini is), or pass --config <alembic.ini>, or --versions <folder> for the revision files alone');
  }
  checkTarget(options.dir);
  const project = await readAlembicProject({
    python: options.python,
    root: options.root,
    ini: options.ini,
    ...(options.section ? { section: options.section } : {}),
    ...(options.versions && options.versions.length > 0 ? { versions: options.versions } : {}),
    dialects: options.dialects.map((d) => SQLALCHEMY_DIALECT[d]),
    timeoutMs: options.timeoutMs,
    ...(options.namingConvention ? { namingConvention: options.namingConvention } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (project.revisions.length === 0) {
    throw new AlembicImportError('no-revisions', `Alembic found no revisions${options.versions?.length ? ` in ${options.versions.join(', ')}` : ` where ${options.ini} points`}`, 'check script_location / version_locations in alembic.ini, or pass --versions <folder>');
  }
  const { versions, bad, clashes } = alembicVersions(project.revisions);
  if (bad.length > 0) {
    const list = bad.slice(0, 10).map((r) => `  ${relative(options.root, r.path) || r.path}: "${r.id}"`);
    throw new AlembicImportError(
      'alembic-ids',
      `${bad.length} of ${project.revisions.length} Alembic revision ids are neither migrate-tui versions (letters and digits) nor a version and words (0001_initial), so nothing was written:\n${list.join('\n')}${bad.length > 10 ? `\n  and ${bad.length - 10} more` : ''}`,
      'migrate-tui keeps Alembic\'s ids so that `stamp` can take over a database from its alembic_version; ids with other characters cannot be kept as they are',
      { ids: bad.map((r) => r.id) },
    );
  }
  if (clashes.length > 0) {
    throw new AlembicImportError(
      'alembic-ids',
      `Alembic revision ids that would be one migrate-tui version, so nothing was written: ${clashes.map((ids) => ids.join(' and ')).join('; ')}`,
      'a worded id is its number (0001_initial is 0001), or where two share a number the id without its underscores (0006_badges is 0006badges): these stay one version either way; rename one in Alembic (revision and the down_revision naming it) and import again',
      { ids: clashes.flat() },
    );
  }
  const planned: PlannedRevision[] = [];
  const problems: ImportProblem[] = [];
  const notes: ImportNote[] = [];
  for (const rev of project.revisions) {
    const one = planRevision(rev, project, { root: options.root, dialects: options.dialects, slug: slugOf, versions });
    planned.push(one.planned);
    problems.push(...one.problems);
    notes.push(...one.notes);
  }
  const written = writeFolder(options.dir, planned);
  return {
    alembic: project.alembic,
    sqlalchemy: project.sqlalchemy,
    dir: options.dir,
    dialects: options.dialects,
    revisions: project.revisions.length,
    heads: project.heads.map((h) => versions.get(h) ?? h).sort(),
    renamed: project.revisions.filter((r) => versions.get(r.id) !== r.id).map((r) => ({ alembic: r.id, version: versions.get(r.id)! })),
    written,
    problems,
    notes,
    check: readBack(options.dir, options.dialects, project, planned, versions),
  };
}

function checkTarget(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new WriteError('folder-not-empty', `${dir} is a file, not a folder`, 'pass --dir <a new or empty folder> for the migrate-tui revisions');
  const entries = readdirSync(dir);
  if (entries.length > 0) {
    throw new WriteError('folder-not-empty', `${dir} is not empty (${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}, e.g. ${entries.sort()[0]}): import writes into a new or empty folder only, so nothing was written`, 'pass --dir <a new or empty folder> (the Alembic project\'s own migrations folder stays as it is)');
  }
}

function writeFolder(dir: string, planned: readonly PlannedRevision[]): string[] {
  const written: string[] = [];
  try {
    mkdirSync(dir, { recursive: true });
    for (const p of planned) {
      const up = join(dir, `${p.name}.up.sql`);
      writeFileSync(up, p.up, { flag: 'wx' });
      written.push(up);
      if (p.down !== null) {
        const down = join(dir, `${p.name}.down.sql`);
        writeFileSync(down, p.down, { flag: 'wx' });
        written.push(down);
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new WriteError('write-failed', `cannot write into ${dir}: ${code}${written.length > 0 ? ` after ${written.length} files (the folder is incomplete: delete it and run again)` : ''}`, 'check that the folder is writable and has room');
  }
  return written;
}

/**
 * The folder as migrate-tui reads it: the same revisions, parents, depends-on, labels and
 * heads as Alembic's; and per file the statements Alembic wrote, each split alone by
 * migrate-tui (an op.execute of two statements is two), add up to the file's: no boundary
 * moved between them (a `;` lost in a trailing comment would join two).
 */
function readBack(dir: string, dialects: readonly DialectName[], project: AlembicProject, planned: readonly PlannedRevision[], versions: ReadonlyMap<string, string>): AlembicImportResult['check'] {
  const loaded = loadProject(dir, { lazyDown: false, dialects });
  const graph = loaded.graph;
  const differences: string[] = [];
  const same = (a: readonly string[], b: readonly string[]) => [...a].sort().join(',') === [...b].sort().join(',');
  // Alembic's ids as this folder's versions (a worded id is its version here).
  const ours = (ids: readonly string[]) => ids.map((x) => versions.get(x) ?? x);
  const byId = new Map(planned.map((p) => [p.id, p]));
  for (const rev of project.revisions) {
    const id = versions.get(rev.id) ?? rev.id;
    if (!graph.has(id)) {
      differences.push(`${rev.id}: not in the folder as migrate-tui reads it`);
      continue;
    }
    if (!same(graph.parents(id), ours(rev.parents))) differences.push(`${rev.id}: parents ${graph.parents(id).join(', ') || 'none'}, Alembic's ${rev.parents.join(', ') || 'none'}`);
    if (!same(graph.dependencies(id), ours(rev.dependsOn))) differences.push(`${rev.id}: depends on ${graph.dependencies(id).join(', ') || 'nothing'}, Alembic's ${rev.dependsOn.join(', ') || 'nothing'}`);
    for (const label of rev.labels) if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(label) && graph.labelOwnerOf(label) !== id) differences.push(`${rev.id}: branch label ${label} is not on it`);
    const migration = graph.get(id);
    const want = byId.get(id)!;
    for (const dialect of dialects) {
      const syntax = findDialect(dialect)!;
      for (const direction of ['up', 'down'] as const) {
        const written = want.statements[direction][dialect];
        if (written === undefined) continue;
        const expected = written.reduce((n, text) => n + sourceStatements(parseSqlSource(rev.path, text, direction), syntax, false).statements.length, 0);
        const got = direction === 'down' && !migration.down ? 0 : migrationStatements(migration, direction, syntax).length;
        if (got !== expected) differences.push(`${direction === 'up' ? migration.upPath : (migration.downPath ?? rev.id)}: migrate-tui reads ${got} statements for ${dialect} where Alembic's ${written.length} make ${expected}: check where one ends`);
      }
    }
  }
  if (graph.size !== project.revisions.length) differences.push(`migrate-tui reads ${graph.size} revisions, Alembic has ${project.revisions.length}`);
  if (!same(graph.heads(), ours(project.heads))) differences.push(`heads: migrate-tui's ${graph.heads().join(', ')}, Alembic's ${project.heads.join(', ')}`);
  const errors = loaded.problems.filter(isError);
  return { differences, errors, warnings: loaded.problems.length - errors.length };
}
