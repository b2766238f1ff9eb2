import type { Command } from 'commander';
import type { Project } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { CommandResult } from '../command-result.js';
import { existsSync } from 'node:fs';
import { commaList, resolveDir, type Wiring } from '../wiring.js';

export function registerAuthoringCommands(program: Command, w: Wiring): void {
  w.add(
    program
      .command('revision')
      .description('write a new .up.sql/.down.sql pair (V/U files on a Flyway head)')
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

function writtenResult(what: string, w: { id: string; upPath: string; downPath: string; revises: readonly string[] }): CommandResult {
  return {
    text: `${what} ${w.id}\n  ${w.upPath}\n  ${w.downPath}\n`,
    json: { id: w.id, upPath: w.upPath, downPath: w.downPath, revises: [...w.revises] },
  };
}
