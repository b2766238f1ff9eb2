import type { Command } from 'commander';
import type { Project, WrittenRevision } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { CommandResult } from '../command-result.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { commaList, resolveDir, type Wiring } from '../wiring.js';

export function registerAuthoringCommands(program: Command, w: Wiring): void {
  w.add(
    program
      .command('revision')
      .description('write a new .up.sql/.down.sql pair (V/U files on a Flyway head, an Atlas file and its atlas.sum on an Atlas head)')
      .requiredOption('-m, --message <text>', 'what the revision does')
      .option('--revises <ids>', 'parents, comma-separated, or "base" (default: the single head)', commaList)
      .option('--branch <label>', 'start a labelled branch', commaList)
      .option('--depends-on <ids>', 'revisions that must be applied first', commaList)
      .option('--id <token>', 'version token for the file names (default: a UTC timestamp)'),
    (c, g) => {
      const { id, ...o } = c.opts() as { message: string; revises?: string[]; branch?: string[]; dependsOn?: string[]; id?: string };
      // A new project's first revision: the folder is made, and the output says so.
      const dir = resolveDir(w.io, g.dir);
      const created = !existsSync(dir) && engine.makeFolder(dir, 'migrations folder', 'check the path (--dir, or "migrations" in migrate-tui.config.json) and that its parent folder is writable');
      const result = revisionCommand(w.project(g), { ...o, ...(id ? { version: id } : {}) });
      return created ? { ...result, text: `created the migrations folder ${dir}\n${result.text}` } : result;
    },
  );
  w.add(
    program
      .command('hash')
      .description('write atlas.sum again from an Atlas folder\'s .sql files, byte for byte as `atlas migrate hash` does'),
    // atlas.sum not matching is what this command is for: the folder's errors do not stop it.
    (_c, g) => hashCommand(resolveDir(w.io, g.dir)),
  );
  w.add(
    program
      .command('merge')
      .description('write a merge revision joining heads (default: all heads)')
      .argument('[revs...]', 'revisions to join, or the word "heads" (the default: all heads)')
      .option('-m, --message <text>', 'message of the merge revision')
      .option('--id <token>', 'version token for the file names (default: a UTC timestamp)'),
    (c, g, revs) => {
      const { id, message } = c.opts() as { message?: string; id?: string };
      // `merge heads` (Alembic's spelling) is the default: every head.
      const named = ((revs as string[]) ?? []).filter((r) => r !== 'heads');
      return mergeCommand(w.project(g), { revisions: named, ...(message ? { message } : {}), ...(id ? { version: id } : {}) });
    },
  );
}

export function hashCommand(dir: string): CommandResult {
  // The folder as read, whatever its problems (atlas.sum not matching is what this is for).
  const folder = engine.readMigrationFolder(dir);
  if (folder.problems.some((p) => p.code === 'missing-folder')) throw new engine.UsageError(`${dir}: the migrations folder does not exist`, 'point at the Atlas folder with --dir <folder>');
  // Only an Atlas folder, or plain files that become one: an atlas.sum beside goose or golang-migrate files is Atlas's other formats' (`atlas migrate hash --dir-format …`).
  // An sqlx folder (plain files, no atlas.sum) becomes an Atlas folder too, as it did before sqlx folders were read.
  const sqlx = folder.migrations.length > 0 && folder.migrations.every((m) => m.missingDown === engine.SQLX_NO_DOWN);
  const atlas = !sqlx && folder.migrations.some((m) => m.missingDown !== undefined);
  const becoming = (sqlx || (folder.migrations.length === 0 && folder.skippedFiles > 0)) && !existsSync(join(dir, 'atlas.sum'));
  if (!atlas && !becoming) {
    throw new engine.UsageError(`${dir} is not an Atlas folder (plain <version>_<name>.sql files with an atlas.sum): nothing to hash`, 'for an atlas.sum beside goose, dbmate or golang-migrate files, use `atlas migrate hash --dir-format <format>`');
  }
  const written = engine.writeAtlasSum(dir);
  const before = written.before === null ? (becoming ? ' (new: the folder is now read as an Atlas folder)' : ' (unchanged: it already matched)') : ` (before, it did not match: ${written.before})`;
  return { text: `wrote ${written.path}: ${written.files} file${written.files === 1 ? '' : 's'}${before}\n`, json: { path: written.path, files: written.files, before: written.before } };
}

export function revisionCommand(
  project: Project,
  options: { message: string; revises?: string[]; branch?: string[]; dependsOn?: string[]; version?: string },
): CommandResult {
  const written = engine.writeRevision(project.dir, project.graph, options);
  return writtenResult('created revision', written);
}

export function mergeCommand(project: Project, options: { message?: string; revisions: string[]; version?: string }): CommandResult {
  const written = engine.writeMerge(project.dir, project.graph, options);
  return writtenResult(`merged ${written.revises.join(' and ')} in`, written);
}

function writtenResult(what: string, w: WrittenRevision): CommandResult {
  const lines = [w.upPath, ...(w.downPath !== null && w.downPath !== w.upPath ? [w.downPath] : []), ...(w.sumPath ? [`${w.sumPath} (written again with it, as \`atlas migrate new\` does)`] : [])];
  return {
    text: `${what} ${w.id}\n${lines.map((l) => `  ${l}\n`).join('')}${w.sumPath ? 'after writing its SQL, run `migrate-tui hash` (or `atlas migrate hash`): until atlas.sum is written again, the folder does not match it and nothing runs\n' : ''}`,
    json: { id: w.id, upPath: w.upPath, downPath: w.downPath, ...(w.sumPath ? { sumPath: w.sumPath } : {}), revises: [...w.revises] },
  };
}
