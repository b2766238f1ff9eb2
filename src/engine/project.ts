import { InvalidMigrationsError } from './errors.js';
import { RevisionGraph } from './graph/graph.js';
import { readMigrationFolder, type Migration, type MigrationFolder, type ReadOptions } from './files/migration-folder.js';
import { sourceStatements } from './files/migration-sql.js';
import type { DialectName } from './dialects/dialect.js';
import { DIALECT_NAMES, DIALECTS } from './dialects/registry.js';
import { controlLineList, summarise, type StatementSummary } from './files/transaction-mode.js';
import { isError, problem, sortProblems, type FileProblem, type ProblemCode } from './problems.js';
import { noteGooseGo } from './files/goose-go.js';

/** A migration folder read and indexed: the files, the graph, and every problem found. */
export interface Project {
  readonly dir: string;
  /** The dialects the project targets (config `dialects`; default all): `check` validates these. */
  readonly dialects: readonly DialectName[];
  readonly folder: MigrationFolder;
  readonly graph: RevisionGraph;
  /** Problems from reading the files and building the graph (not statement splitting). */
  readonly problems: readonly FileProblem[];
}

export function loadProject(dir: string, options: ReadOptions & { readonly dialects?: readonly DialectName[] } = {}): Project {
  const folder = readMigrationFolder(dir, options);
  const graph = new RevisionGraph(folder.migrations);
  noteGooseGo(graph, folder.problems);
  return { dir, dialects: options.dialects ?? DIALECT_NAMES, folder, graph, problems: sortProblems([...folder.problems, ...graph.problems]) };
}

/**
 * Problems about a file's SQL content; the graph is still right with them, so commands that
 * only read the graph go on (with a warning), while anything that runs SQL refuses.
 */
const CONTENT_ONLY: ReadonlySet<ProblemCode> = new Set<ProblemCode>([
  'up-without-down',
  'down-without-up',
  'empty-migration',
  'empty-down',
  'unknown-dialect',
  'duplicate-dialect-in-block',
  'unterminated-block',
  'end-without-block',
  'unterminated-quote',
  'header-outside-up-file',
  // The graph is right; what refuses is running it (upgrade and downgrade check every error), as Atlas refuses.
  'atlas-sum',
  // Flyway's R__ and B files are not revisions, so the graph of its V files is right without them: `status`
  // and the TUI show a database Flyway migrated (and the stamp that takes it over) while they are dealt with.
  'flyway-repeatable',
  'flyway-baseline',
  // goose's Go migrations likewise: the SQL files' graph is shown, and running it is refused.
  'goose-go-migration',
]);

/** Throws unless the graph can be trusted (headers, ids, cycles). */
export function requireTrustworthyGraph(project: Project): void {
  const blocking = project.problems.filter((p) => isError(p) && !CONTENT_ONLY.has(p.code));
  if (blocking.length > 0) throw new InvalidMigrationsError(blocking);
}

/**
 * Throws unless the folder has no errors at all, statements included, for `dialect` (the
 * connected database's) or, without one, for every dialect the project targets.
 */
export function requireValid(project: Project, dialect?: DialectName, revisions?: Iterable<string>, direction?: 'down'): void {
  const errors = (dialect ? runCheck(project, dialect, revisions, direction) : fullCheck(project, project.dialects)).filter(isError);
  if (errors.length > 0) throw new InvalidMigrationsError(errors);
}

/**
 * Everything `check` reports: file and graph problems, splitting problems per dialect, and
 * files that control transactions themselves. A splitting problem that only a dialect the
 * project does not target has is a warning (a SQLite project's `--don't` comment opens a
 * string only under MySQL's lexer).
 */
export function fullCheck(project: Project, targets: readonly DialectName[] = project.dialects): FileProblem[] {
  const problems = [...project.problems];
  const seen = new Set<string>();
  // Targeted dialects first: a problem they have is an error even if others have it too.
  const dialects = [...DIALECTS].sort((a, b) => Number(!targets.includes(a.name)) - Number(!targets.includes(b.name)));
  for (const migration of project.folder.migrations) {
    const tooLong = idTooLong(migration);
    if (tooLong) problems.push(tooLong);
    for (const source of [migration.up, migration.down]) {
      if (!source) continue;
      const controls: Array<{ dialect: DialectName; problem: FileProblem }> = [];
      // A quote only some dialects' lexers leave open (MySQL's `\'`, a `--don't` comment): which dialects read this file, which left it open.
      const read: DialectName[] = [];
      const quotes = new Map<string, { at: number; by: DialectName[] }>();
      for (const dialect of dialects) {
        const targeted = targets.includes(dialect.name);
        // A large file is read once per dialect checked: only for the dialects that matter.
        if (source.streamed && !targeted) continue;
        const { statements, problems: found } = sourceStatements(source, dialect);
        read.push(dialect.name);
        for (const p of found) {
          const key = `${p.path}:${p.line}:${p.message.replace(/ in the \w+ SQL$/, '')}`;
          if (p.code === 'unterminated-quote') {
            const q = quotes.get(key) ?? { at: seen.has(key) ? -1 : problems.length, by: [] };
            q.by.push(dialect.name);
            quotes.set(key, q);
          }
          if (seen.has(key)) continue;
          seen.add(key);
          problems.push(targeted ? p : { ...p, severity: 'warning', message: `${p.message} (${dialect.name} is not among the project's dialects: ${targets.join(', ')})` });
        }
        const control = targeted ? transactionControlProblem(source.pathFor(dialect.name), source.streamed ? source.streamed.scan(dialect).summary : summarise(statements, dialect)) : null;
        if (control) controls.push({ dialect: dialect.name, problem: control });
      }
      // One warning a file; when some targeted dialects read no transaction control in it (PostgreSQL's
      // `END;` inside a `DO $$ … $$` body is no COMMIT, but MySQL and SQLite do not quote with $$), it names those that do.
      // An error some dialects read as closed: the file may be theirs alone (a dbmate folder of MySQL files).
      for (const q of quotes.values()) {
        const closed = read.filter((d) => !q.by.includes(d));
        const p = q.at >= 0 ? problems[q.at]! : null;
        if (!p || closed.length === 0 || p.severity !== 'error') continue;
        problems[q.at] = { ...p, hint: `${p.hint}; ${closed.join(', ')} ${closed.length === 1 ? 'reads' : 'read'} it closed: if the files are for ${closed.length === 1 ? 'that database' : 'those databases'} only, say so with "dialects": [${closed.map((d) => `"${d}"`).join(', ')}] in migrate-tui.config.json (or --dialect), and the others' reading is a warning` };
      }
      const [first] = controls;
      if (first) {
        const silent = targets.filter((d) => !controls.some((c) => c.dialect === d));
        const under = controls.map((c) => c.dialect).join(', ');
        problems.push(silent.length === 0 ? first.problem : { ...first.problem, message: `${first.problem.message} (as ${under} ${controls.length === 1 ? 'reads' : 'read'} it; ${silent.join(', ')} ${silent.length === 1 ? 'reads' : 'read'} no transaction control in it)` });
      }
    }
  }
  return sortProblems(problems);
}

/**
 * What a run needs checked, and no more: the folder's file and graph problems, and the
 * statements of the files it runs (`revisions`, default all), for the connected dialect
 * only: both directions for an upgrade (it stores the down SQL), the down files alone for a
 * downgrade (`direction` 'down': it runs nothing else). `check` is the all-dialect check.
 * Splitting goes through the per-dialect cache, so the run reuses these statements.
 */
function runCheck(project: Project, dialect: DialectName, revisions?: Iterable<string>, direction?: 'down'): FileProblem[] {
  const problems = [...project.problems];
  const syntax = DIALECTS.find((d) => d.name === dialect)!;
  // A revision whose files are gone runs from its stored SQL: there is no file to check.
  const migrations = revisions ? [...revisions].filter((id) => project.graph.has(id)).map((id) => project.graph.get(id)) : project.folder.migrations;
  for (const migration of migrations) {
    const tooLong = idTooLong(migration);
    if (tooLong) problems.push(tooLong);
    for (const source of direction === 'down' ? [migration.down] : [migration.up, migration.down]) {
      if (!source) continue;
      const { statements, problems: found } = sourceStatements(source, syntax);
      problems.push(...found);
      const control = transactionControlProblem(source.pathFor(dialect), source.streamed ? source.streamed.scan(syntax).summary : summarise(statements, syntax));
      if (control) problems.push(control);
    }
  }
  return sortProblems(problems);
}

/** The state tables' revision column is VARCHAR(64). */
const MAX_REVISION_ID = 64;

function idTooLong(migration: Migration): FileProblem | null {
  if (migration.id.length <= MAX_REVISION_ID) return null;
  return problem('revision-id-too-long', migration.upPath, 0, `the revision id "${migration.id.slice(0, 20)}…" is ${migration.id.length} characters; the state tables hold at most ${MAX_REVISION_ID}`, 'rename the pair with a shorter version (e.g. a 14-digit timestamp)');
}

/** A warning for a file with its own BEGIN/COMMIT: what migrate-tui will do with it. */
function transactionControlProblem(path: string, summary: StatementSummary): FileProblem | null {
  if (summary.controlCount === 0) return null;
  const first = summary.controls[0]!;
  const last = summary.lastControl!;
  const wrapped = summary.controlCount === 2 && first.index === 0 && first.kind === 'begin' && last.index === summary.count - 1 && last.kind === 'commit';
  if (wrapped) {
    return problem('transaction-control', path, first.line, 'its own BEGIN … COMMIT wraps the whole file: migrate-tui recognises it and runs the file in its own transaction instead', 'remove the BEGIN and COMMIT lines (migrate-tui wraps every migration where the database allows)', 'warning');
  }
  const open = last.kind === 'begin' ? last.line : null;
  return problem(
    'transaction-control',
    path,
    first.line,
    `the file controls transactions itself (line ${controlLineList(summary)}): it runs as written, statement by statement, with dirty-tracking` +
      (open !== null ? `; the transaction opened at line ${open} is never closed, so it is committed at the end of the file` : ''),
    'let migrate-tui wrap the migration (remove the BEGIN/COMMIT lines), or split the file where it commits',
    'warning',
  );
}
