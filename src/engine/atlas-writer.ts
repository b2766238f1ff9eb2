import type { LayoutWriterOptions } from './layout-writer.js';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { WriteError } from './errors.js';
import { ATLAS_NO_DOWN, atlasSumProblems } from './files/atlas-folder.js';
import { atlasSumEntries, atlasSumMismatch, compareBytes, formatAtlasSum, parseAtlasSum, type AtlasFileBytes } from './files/atlas-sum.js';
import { readFileBytes, readText } from './files/read-text.js';
import { timestampVersion } from './files/version-order.js';
import type { RevisionGraph } from './graph/graph.js';
import { isError, type FileProblem } from './problems.js';

/**
 * `revision -m` on an Atlas head, as `atlas migrate new <name>` does it: an empty
 * `<UTC timestamp>_<name>.sql`, and atlas.sum written again with it (so Atlas, and
 * migrate-tui, still accept the folder). Refused when atlas.sum does not match the folder
 * already (rewriting it would hide that change), and with --branch / --depends-on, which an
 * Atlas file cannot say. Null when the parent is not an Atlas file.
 */
export function writeAtlasRevision(
  dir: string,
  graph: RevisionGraph,
  revises: readonly string[],
  options: LayoutWriterOptions,
  slug: string,
): { id: string; upPath: string; downPath: null; sumPath: string; revises: readonly string[] } | null {
  if (revises.length !== 1 || graph.get(revises[0]!).missingDown !== ATLAS_NO_DOWN) return null;
  if ((options.branch?.length ?? 0) > 0 || (options.dependsOn?.length ?? 0) > 0) {
    throw new WriteError('atlas-folder', 'an Atlas folder cannot say a branch label or depends-on (Atlas reads every .sql file of it as the next migration)', 'leave out --branch and --depends-on here; for a branched history, move the folder to migrate-tui\'s own layout');
  }
  const stale = atlasSumProblems(dir, listSql(dir)).filter(isError);
  if (stale.length > 0) throw new WriteError('atlas-sum', `atlas.sum does not match the folder already (${describe(stale[0]!)}): writing it again would hide that`, 'deal with that first (`migrate-tui check` says what), then write the revision');
  const ids = graph.ids();
  let version = options.version;
  if (version === undefined) {
    let time = (options.now ?? new Date()).getTime();
    version = timestampVersion(new Date(time));
    // Later than every file by Atlas's order (names as bytes), so it runs last, as in Atlas.
    while (ids.some((id) => compareBytes(id, version!) >= 0)) version = timestampVersion(new Date((time += 1000)));
  } else if (!/^[0-9A-Za-z]+$/.test(version)) throw new WriteError('bad-version', `"${version}" is not a version token`, 'use letters and digits only (Atlas writes a 14-digit UTC timestamp)');
  if (graph.has(version)) throw new WriteError('version-exists', `version ${version} already exists`, 'choose another --id, or leave it out for a timestamp');
  const upPath = join(dir, `${version}_${slug}.sql`);
  try {
    writeFileSync(upPath, '', { flag: 'wx' });
  } catch (error) {
    throw new WriteError('write-failed', `cannot write ${upPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'check that the folder exists and is writable (or pass --dir)');
  }
  const sumPath = writeAtlasSum(dir).path;
  return { id: version, upPath, downPath: null, sumPath, revises };
}

export interface AtlasHash {
  readonly path: string;
  readonly files: number;
  /** What differed before: the first file, as atlas.sum's check names it; null when the old sum matched (or there was none). */
  readonly before: string | null;
}

/**
 * Writes atlas.sum from the folder's `.sql` files, byte for byte as `atlas migrate hash` does
 * (its default format: every `.sql` file). For an Atlas folder whose files were edited on purpose.
 */
export function writeAtlasSum(dir: string): AtlasHash {
  const problems: FileProblem[] = [];
  const files: AtlasFileBytes[] = [];
  for (const name of listSql(dir)) {
    const bytes = readFileBytes(join(dir, name), problems);
    if (bytes === null) throw new WriteError('unreadable-file', problems[0]!.message, problems[0]!.hint);
    files.push({ name, bytes });
  }
  const path = join(dir, 'atlas.sum');
  const entries = atlasSumEntries(files);
  let before: string | null = null;
  if (existsSync(path)) {
    const old = readText(path, problems);
    const parsed = old === null ? null : parseAtlasSum(old);
    const mismatch = parsed?.ok ? atlasSumMismatch(parsed.entries, entries) : null;
    before = parsed === null || !parsed.ok ? 'atlas.sum was not readable as one' : mismatch ? `${mismatch.file} ${mismatch.reason}` : null;
  }
  try {
    writeFileSync(path, formatAtlasSum(entries));
  } catch (error) {
    throw new WriteError('write-failed', `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'check that the folder is writable');
  }
  return { path, files: entries.length, before };
}

function listSql(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.sql'));
}

function describe(p: FileProblem): string {
  return `${basename(p.path)}: ${p.message.split(':')[0]}`;
}
