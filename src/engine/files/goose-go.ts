import { join } from 'node:path';
import { problem, type FileProblem } from '../problems.js';
import { readFileBytes } from './read-text.js';

/**
 * goose's Go migrations (pressly/goose: `<version>_<name>.go` registering its functions with
 * `goose.AddMigration…` in `init`, the version taken from the file name). goose runs them
 * among the SQL files in version order; migrate-tui runs SQL only. Skipped silently, the
 * history read here would go from the SQL file before one straight to the SQL file after it,
 * and an upgrade would leave out what the Go code does: an error, as for Flyway's R__ files
 * (the graph of the SQL files is still shown, so `status`, `history` and the stamp that takes
 * over a database goose migrated still work).
 */
const GO_NAME = /^([0-9]+)_[^/]*\.go$/;
const REGISTERS = /\bgoose\.(Add(?:Named)?Migration\w*)\s*\(/;

/** The error for a goose Go migration named `name` in `dir`, or null when it is none (a helper, a test, another tool's Go file). */
export function gooseGoMigration(dir: string, name: string): FileProblem | null {
  const m = GO_NAME.exec(name);
  if (!m || name.endsWith('_test.go')) return null;
  const path = join(dir, name);
  // Unreadable (a link out of the folder, a FIFO): not known to be goose's, and not read as anything.
  const bytes = readFileBytes(path, []);
  const registers = bytes ? REGISTERS.exec(bytes.toString('utf8')) : null;
  if (!registers) return null;
  const version = m[1]!;
  const stem = name.slice(0, -'.go'.length);
  return problem(
    'goose-go-migration',
    path,
    0,
    `a goose Go migration (version ${version}, goose.${registers[1]}): goose runs it between the SQL files by its version; migrate-tui runs SQL files only, so it is not read, and nothing runs until it is dealt with`,
    `write what it does as SQL in ${stem}.sql (\`-- +goose Up\` / \`-- +goose Down\`) and delete the .go file: a database goose already took past version ${version} is stamped past that file and never runs it`,
  );
}

/** A folder's goose Go migrations, by the graph read from it: version as goose numbers it (`00002` is 2) → file name. */
const byGraph = new WeakMap<object, ReadonlyMap<string, string>>();

/** Notes the goose Go migrations among a folder's problems, for the graph read from that folder. */
export function noteGooseGo(graph: object, problems: readonly FileProblem[]): void {
  const files = new Map<string, string>();
  for (const p of problems) {
    if (p.code !== 'goose-go-migration') continue;
    const name = p.path.slice(p.path.lastIndexOf('/') + 1);
    files.set(BigInt(GO_NAME.exec(name)![1]!).toString(), name);
  }
  if (files.size > 0) byGraph.set(graph, files);
}

/** The goose Go migration of this graph's folder with goose's version `version`, if there is one. */
export function gooseGoFile(graph: object, version: string): string | undefined {
  return /^\d+$/.test(version) ? byGraph.get(graph)?.get(BigInt(version).toString()) : undefined;
}
