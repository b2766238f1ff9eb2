import { writeMerge, writeRevision, type Project } from '../../engine/index.js';
import type { CommandResult } from '../command-result.js';

export function revisionCommand(
  project: Project,
  options: { message: string; revises?: string[]; branch?: string[]; dependsOn?: string[]; version?: string },
): CommandResult {
  const written = writeRevision(project.dir, project.graph, options);
  return writtenResult('created revision', written);
}

export function mergeCommand(project: Project, options: { message?: string; revisions: string[]; version?: string }): CommandResult {
  const written = writeMerge(project.dir, project.graph, options);
  return writtenResult(`merged ${written.revises.join(' and ')} in`, written);
}

function writtenResult(what: string, w: { id: string; upPath: string; downPath: string; revises: readonly string[] }): CommandResult {
  return {
    text: `${what} ${w.id}\n  ${w.upPath}\n  ${w.downPath}\n`,
    json: { id: w.id, upPath: w.upPath, downPath: w.downPath, revises: [...w.revises] },
  };
}
