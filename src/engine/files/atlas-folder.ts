import { join } from 'node:path';
import { problem, type FileProblem } from '../problems.js';
import { readAtlasFile } from './atlas-file.js';
import { atlasSumEntries, atlasSumMismatch, compareBytes, parseAtlasSum, type AtlasFileBytes } from './atlas-sum.js';
import type { VersionEntry } from './entry-types.js';
import { buildMigration, type Migration } from './migration.js';
import { readFileBytes, readText } from './read-text.js';
import { parseSqlSource } from './sql-source.js';

/**
 * Atlas's default folder layout (ariga.io/atlas sql/migrate/dir.go): every `*.sql` file of
 * the folder is a migration, in byte order of the names; the version is the name up to the
 * first `_` (`.sql` dropped), the description what follows. Atlas has no down files: each
 * revision is irreversible. atlas.sum must match the files before anything runs.
 */

/** What refusals say a revision without a down lacks. */
export const ATLAS_NO_DOWN = 'an Atlas file: Atlas has no down migrations';

/** Atlas's order of a folder's versions: by file name, as Go sorts strings (bytes). */
export function atlasOrder(entries: readonly VersionEntry[]): VersionEntry[] {
  return [...entries].sort((a, b) => compareBytes(a.single!.name, b.single!.name));
}

/**
 * One Atlas file as a revision. A checkpoint file (`-- atlas:checkpoint`) stands for every
 * file before it: Atlas runs it instead of them on an empty database, and skips it on a
 * database it has migrated. Here the files before it run, so the checkpoint is a revision that
 * runs nothing (its version still maps onto Atlas's record); a checkpoint with nothing before
 * it is the history's start and runs.
 */
export function atlasMigration(dir: string, entry: VersionEntry, previous: string | null, problems: FileProblem[]): Migration {
  const file = entry.single!;
  const path = join(dir, file.name);
  const read = readAtlasFile(path, file.text);
  problems.push(...read.problems);
  const skipped = read.checkpoint && previous !== null;
  const runText = skipped ? file.text.replace(/[^\n]/g, '') : read.runText;
  const shape = skipped ? { display: file.text } : read.runText !== file.text ? { ...read.shape, display: file.text } : read.shape;
  const source = parseSqlSource(path, runText, 'up', shape);
  if (source.problems.length > 0) problems.push(...source.problems);
  const own: FileProblem[] = [];
  const migration = buildMigration(entry.version, file.slug, path, source, null, null, previous, own, { silent: ATLAS_NO_DOWN });
  if (skipped) (migration as { atlasCheckpoint?: boolean }).atlasCheckpoint = true;
  // A checkpoint runs nothing by design: said once, as what it is, not as an empty file.
  problems.push(...(skipped ? own.filter((p) => p.code !== 'empty-migration') : own));
  if (skipped) {
    problems.push(
      problem(
        'atlas-checkpoint',
        path,
        0,
        `an Atlas checkpoint (the schema as of ${entry.version}): Atlas runs it instead of the files before it on an empty database, and skips it on one it has migrated; migrate-tui runs those files and records this revision without running it`,
        'nothing to do when the files before it are kept; if you delete them, this file becomes the first and then runs',
        'warning',
      ),
    );
  }
  return migration;
}

/** One note for the folder: Atlas files have no downs (each would otherwise be a warning of its own). */
export function atlasUpOnlyProblem(dir: string, count: number): FileProblem {
  return problem(
    'atlas-up-only',
    dir,
    0,
    `an Atlas folder (atlas.sum): its ${count} file${count === 1 ? ' has' : 's have'} no down migration (Atlas has none), so every revision is irreversible and \`downgrade\` refuses to pass one`,
    'to go back, restore a backup, or write a new revision that undoes the change (Atlas\'s own `migrate down` computes the SQL from a dev database, which migrate-tui has no equivalent of)',
    'warning',
  );
}

/**
 * atlas.sum checked as Atlas checks it before it runs anything (`Validate`): the `.sql` files
 * of the folder, hashed in name order, must give the sums it lists. A difference is an error
 * naming the first file that differs, as Atlas reports it.
 */
export function atlasSumProblems(dir: string, names: readonly string[], other?: { readonly format: 'golang-migrate' | 'goose' | 'dbmate' }): FileProblem[] {
  const problems: FileProblem[] = [];
  const sumPath = join(dir, 'atlas.sum');
  const sumText = readText(sumPath, problems);
  if (sumText === null) return problems;
  const parsed = parseAtlasSum(sumText);
  const fix = `\`atlas migrate hash${other ? ` --dir-format ${other.format}\`` : '` (or `migrate-tui hash`, the same file)'} rewrites atlas.sum from the files (run it once the files are what you mean to deploy)`;
  // Another tool's folder that Atlas also keeps a sum of: that tool runs it whatever atlas.sum says, so a difference only warns.
  const found = problems.length;
  const finish = () => (other ? [...problems.slice(0, found), ...problems.slice(found).map((p) => ({ ...p, severity: 'warning' as const, message: p.message.replace(/Atlas refuses (to run )?the folder(, and so does migrate-tui)?/, `Atlas would refuse the folder (${other.format} and migrate-tui do not need atlas.sum: they run it)`) }))] : problems);
  if (!parsed.ok) {
    if (parsed.reason === 'format') problems.push(problem('atlas-sum', sumPath, parsed.line, 'not a line of an atlas.sum (`<file> h1:<hash>`): Atlas refuses the folder', fix));
    else problems.push(problem('atlas-sum', sumPath, 1, "its first line (h1:…, the sum of the lines below) does not match the lines below: atlas.sum was edited by hand or merged, and Atlas refuses the folder", fix));
    return finish();
  }
  const files: AtlasFileBytes[] = [];
  // Atlas hashes every .sql file of its own, goose and dbmate formats, and only the .up.sql files of golang-migrate's.
  for (const name of names) {
    if (!name.endsWith(other?.format === 'golang-migrate' ? '.up.sql' : '.sql')) continue;
    const bytes = readFileBytes(join(dir, name), problems);
    if (bytes === null) return problems;
    files.push({ name, bytes });
  }
  const mismatch = atlasSumMismatch(parsed.entries, atlasSumEntries(files));
  if (mismatch === null) return finish();
  const where = `atlas.sum line ${mismatch.line}`;
  if (mismatch.reason === 'edited') {
    problems.push(problem('atlas-sum', join(dir, mismatch.file), 0, `changed since atlas.sum was written (its hash, ${where}, no longer matches): Atlas refuses to run the folder, and so does migrate-tui`, `if the change is meant (and the file was never applied anywhere), ${fix}; else restore the file (\`git checkout -- ${join(dir, mismatch.file)}\`) and write the change as a new migration`));
  } else if (mismatch.reason === 'added') {
    problems.push(problem('atlas-sum', join(dir, mismatch.file), 0, `not in atlas.sum (it belongs at ${where}): added without \`atlas migrate hash\`; Atlas refuses the folder, and so does migrate-tui`, `if the file belongs in the history, ${fix}; else move it out of the folder`));
  } else {
    problems.push(problem('atlas-sum', join(dir, mismatch.file), 0, `listed in atlas.sum (${where}) but not in the folder: Atlas refuses the folder, and so does migrate-tui`, `restore the file (\`git checkout -- ${join(dir, mismatch.file)}\`); if removing it is meant, ${fix}`));
  }
  return finish();
}
