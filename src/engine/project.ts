import { InvalidMigrationsError } from './errors.js';
import { RevisionGraph } from './graph/graph.js';
import { readMigrationFolder, type MigrationFolder, type ReadOptions } from './files/migration-folder.js';
import { sourceStatements } from './files/migration-sql.js';
import { DIALECTS } from './dialects/registry.js';
import { isError, sortProblems, type FileProblem, type ProblemCode } from './problems.js';

/** A migration folder read and indexed: the files, the graph, and every problem found. */
export interface Project {
  readonly dir: string;
  readonly folder: MigrationFolder;
  readonly graph: RevisionGraph;
  /** Problems from reading the files and building the graph (not statement splitting). */
  readonly problems: readonly FileProblem[];
}

export function loadProject(dir: string, options: ReadOptions = {}): Project {
  const folder = readMigrationFolder(dir, options);
  const graph = new RevisionGraph(folder.migrations);
  return { dir, folder, graph, problems: sortProblems([...folder.problems, ...graph.problems]) };
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
]);

/** Throws unless the graph can be trusted (headers, ids, cycles). */
export function requireTrustworthyGraph(project: Project): void {
  const blocking = project.problems.filter((p) => isError(p) && !CONTENT_ONLY.has(p.code));
  if (blocking.length > 0) throw new InvalidMigrationsError(blocking);
}

/** Throws unless the folder has no errors at all, statements included. */
export function requireValid(project: Project): void {
  const errors = fullCheck(project).filter(isError);
  if (errors.length > 0) throw new InvalidMigrationsError(errors);
}

/** Everything `check` reports: file and graph problems plus splitting problems per dialect. */
export function fullCheck(project: Project): FileProblem[] {
  const problems = [...project.problems];
  const seen = new Set<string>();
  for (const migration of project.folder.migrations) {
    for (const source of [migration.up, migration.down]) {
      if (!source) continue;
      for (const dialect of DIALECTS) {
        for (const p of sourceStatements(source, dialect).problems) {
          const key = `${p.path}:${p.line}:${p.message.replace(/ in the \w+ SQL$/, '')}`;
          if (seen.has(key)) continue;
          seen.add(key);
          problems.push(p);
        }
      }
    }
  }
  return sortProblems(problems);
}
