import type { LayoutWriterOptions } from './layout-writer.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlanError, UsageError, WriteError } from './errors.js';
import type { RevisionGraph } from './graph/graph.js';
import { resolveRevisionRef } from './graph/targets.js';
import { compareVersions, timestampVersion, VERSION_TOKEN } from './files/version-order.js';
import { writeFlywayRevision } from './flyway-writer.js';
import { writeAtlasRevision } from './atlas-writer.js';
import { writeSqlxRevision } from './sqlx-writer.js';

/** `version` default: a 14-digit UTC timestamp, bumped past any existing version (in migrate-tui's own layout). */
export interface NewRevisionOptions extends LayoutWriterOptions {
  readonly message: string;
  /** Parent refs; default: the single head (an error names them when there are several). */
  readonly revises?: readonly string[];
}

export interface WrittenRevision {
  readonly id: string;
  readonly upPath: string;
  /** Null in an Atlas or sqlx folder (no down files); the up's path in a dbmate or goose folder (one file, both sections). */
  readonly downPath: string | null;
  /** The atlas.sum written again with the new file (Atlas folders). */
  readonly sumPath?: string;
  readonly revises: readonly string[];
}

export function writeRevision(dir: string, graph: RevisionGraph, options: NewRevisionOptions): WrittenRevision {
  let revises: string[];
  if (options.revises && options.revises.length > 0) {
    revises = options.revises.length === 1 && options.revises[0] === 'base' ? [] : options.revises.map((r) => resolveRevisionRef(graph, r));
  } else {
    const heads = graph.heads();
    if (heads.length > 1) {
      throw new PlanError(
        'multiple-heads',
        `the history has ${heads.length} heads (${heads.join(', ')}), so it is not clear what the new revision builds on`,
        'pass --revises <id>, or join the heads first with `migrate-tui merge`',
        { heads },
      );
    }
    revises = heads;
  }
  for (const label of options.branch ?? []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(label)) throw new WriteError('bad-label', `"${label}" is not a branch label`, 'use letters, digits and "_", not starting with a digit');
    if (graph.labelOwnerOf(label) !== undefined) throw new WriteError('duplicate-label', `branch label "${label}" already exists (on ${graph.labelOwnerOf(label)})`, 'choose another label, or build on that branch with --revises ' + label + '@head');
  }
  const dependsOn = (options.dependsOn ?? []).map((r) => resolveRevisionRef(graph, r));
  const flyway = writeFlywayRevision(dir, graph, revises, { ...options, dependsOn }, slugOf(options.message));
  if (flyway) return flyway;
  const atlas = writeAtlasRevision(dir, graph, revises, { ...options, dependsOn }, slugOf(options.message));
  if (atlas) return atlas;
  const sqlx = writeSqlxRevision(dir, graph, revises, { ...options, dependsOn }, slugOf(options.message));
  if (sqlx) return sqlx;
  const single = writeSingleFileRevision(dir, graph, revises, { ...options, dependsOn }, slugOf(options.message));
  if (single) return single;
  const headers = [
    `-- migrate:revises ${revises.length > 0 ? revises.join(', ') : 'base'}`,
    `-- migrate:message ${oneLine(options.message)}`,
    ...(options.branch && options.branch.length > 0 ? [`-- migrate:branch ${options.branch.join(', ')}`] : []),
    ...(dependsOn.length > 0 ? [`-- migrate:depends-on ${dependsOn.join(', ')}`] : []),
  ];
  const up = [...headers, '', '-- Write the SQL of the change here. Parts that differ per database go in blocks:', '--   -- migrate:dialect postgres … -- migrate:dialect default … -- migrate:end', ''].join('\n');
  const down = ['-- Write the SQL that undoes the .up.sql here, in reverse order.', ''].join('\n');
  return writePair(dir, graph, options, slugOf(options.message), up, down, revises);
}

export function writeMerge(dir: string, graph: RevisionGraph, options: { message?: string; revisions?: readonly string[]; version?: string; now?: Date }): WrittenRevision {
  const parents = options.revisions && options.revisions.length > 0 ? [...new Set(options.revisions.map((r) => resolveRevisionRef(graph, r)))] : graph.heads();
  if (parents.length < 2) {
    throw new PlanError('nothing-to-merge', parents.length === 1 ? `only one head (${parents[0]}): nothing to merge` : 'nothing to merge', 'a merge joins two or more heads; see `migrate-tui heads`', { parents });
  }
  for (const a of parents) {
    const within = parents.find((b) => b !== a && graph.ancestors([a]).has(b));
    if (within !== undefined) {
      throw new UsageError(
        `cannot merge ${a} with ${within}: ${a} is built on ${within}, so ${a} already includes ${within}`,
        'a merge joins revisions on separate branches, neither built on the other; see `migrate-tui heads`',
        { revision: a, ancestor: within },
      );
    }
  }
  const message = options.message ?? `merge ${parents.join(' and ')}`;
  const up = [`-- migrate:revises ${parents.join(', ')}`, `-- migrate:message ${oneLine(message)}`, '', '-- A merge revision joins heads; it may stay empty or reconcile them.', ''].join('\n');
  const down = ['-- Undoes the merge revision (empty when the merge is).', ''].join('\n');
  return writePair(dir, graph, options, slugOf(message), up, down, parents);
}

function writePair(dir: string, graph: RevisionGraph, options: { version?: string; now?: Date }, slug: string, up: string, down: string, revises: string[]): WrittenRevision {
  const id = options.version ?? freshTimestamp(graph, options.now ?? new Date());
  if (!VERSION_TOKEN.test(id)) throw new WriteError('bad-version', `"${id}" is not a version token`, 'use letters and digits only');
  if (graph.has(id)) throw new WriteError('version-exists', `version ${id} already exists`, 'choose another --id, or leave it out for a timestamp');
  const upPath = join(dir, `${id}_${slug}.up.sql`);
  const downPath = join(dir, `${id}_${slug}.down.sql`);
  try {
    writeFileSync(upPath, up, { flag: 'wx' });
    writeFileSync(downPath, down, { flag: 'wx' });
  } catch (error) {
    throw new WriteError('write-failed', `cannot write ${upPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'check that the folder exists and is writable (or pass --dir)');
  }
  return { id, upPath, downPath, revises };
}

/**
 * `revision -m` in a dbmate or goose folder: a new revision on one such file (`-- migrate:up` /
 * `-- migrate:down`, or `-- +goose Up` / `Down`, in one `.sql`), with no branch label or
 * depends-on, is written in that layout (empty sections, as `dbmate new` writes), so the folder
 * stays one that tool reads too (each refuses a `.sql` without its up marker, which our
 * `.up.sql`/`.down.sql` pair is to it). Null when it does not apply.
 */
function writeSingleFileRevision(dir: string, graph: RevisionGraph, revises: readonly string[], options: NewRevisionOptions, slug: string): WrittenRevision | null {
  if (revises.length !== 1 || (options.branch?.length ?? 0) > 0 || (options.dependsOn?.length ?? 0) > 0) return null;
  const parent = graph.get(revises[0]!);
  if (parent.upPath !== parent.downPath && parent.downPath !== null) return null;
  if (parent.upPath.endsWith('.up.sql')) return null;
  const layout = DBMATE_UP.test(parent.up.text) ? ['-- migrate:up', '', '', '-- migrate:down'] : GOOSE_UP.test(parent.up.text) ? ['-- +goose Up', '', '', '-- +goose Down'] : null;
  if (!layout) return null;
  const id = options.version ?? freshTimestamp(graph, options.now ?? new Date());
  if (!VERSION_TOKEN.test(id)) throw new WriteError('bad-version', `"${id}" is not a version token`, 'use letters and digits only');
  if (graph.has(id)) throw new WriteError('version-exists', `version ${id} already exists`, 'choose another --id, or leave it out for a timestamp');
  // Without a header a file revises the one before it in version order: said only when that is not the parent.
  const before = [...graph.ids(), id].sort(compareVersions);
  const implicit = before[before.indexOf(id) - 1] === parent.id;
  const path = join(dir, `${id}_${slug}.sql`);
  const text = [...(implicit ? [] : [`-- migrate:revises ${parent.id}`, '']), ...layout, '', ''].join('\n');
  try {
    writeFileSync(path, text, { flag: 'wx' });
  } catch (error) {
    throw new WriteError('write-failed', `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'check that the folder exists and is writable (or pass --dir)');
  }
  return { id, upPath: path, downPath: path, revises };
}

/** dbmate's up marker, as dbmate finds it (`-- migrate:up` at a line's start); goose's annotation. */
const DBMATE_UP = /^--\s*migrate:up(\s*$|\s+\S)/m;
const GOOSE_UP = /^--\s*\+goose\s+up\s*$/im;

/** A timestamp version later than every existing version, so the new file sorts last. */
function freshTimestamp(graph: RevisionGraph, now: Date): string {
  let time = now.getTime();
  let id = timestampVersion(new Date(time));
  const newest = graph.ids()[graph.ids().length - 1];
  while (graph.has(id) || (newest !== undefined && /^\d{14}$/.test(newest) && compareVersions(id, newest) <= 0)) {
    time += 1000;
    id = timestampVersion(new Date(time));
  }
  return id;
}

export function slugOf(message: string): string {
  const slug = message
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 50)
    .replace(/_+$/, '');
  return slug || 'revision';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
