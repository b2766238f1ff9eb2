import type { LayoutWriterOptions } from './layout-writer.js';
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { WriteError } from './errors.js';
import { flywayVersionId, parseFlywayName } from './files/flyway-names.js';
import { compareVersions, timestampVersion } from './files/version-order.js';
import type { RevisionGraph } from './graph/graph.js';

/**
 * `revision -m` in a Flyway folder: when the new revision builds on one revision that is a
 * Flyway V file, with no branch label or depends-on (which Flyway files cannot say), the
 * new revision is written as Flyway names it — `V<next>__<slug>.sql` and its undo
 * `U<next>__<slug>.sql` — so the folder stays one Flyway can read too. The next version
 * adds one to the last part of the parent's (1.27 → 1.28, 3 → 4); a parent whose version is
 * a timestamp (12 digits or more) gets a fresh UTC timestamp. Null when it does not apply.
 */
export function writeFlywayRevision(
  dir: string,
  graph: RevisionGraph,
  revises: readonly string[],
  options: LayoutWriterOptions,
  slug: string,
): { id: string; upPath: string; downPath: string; revises: readonly string[] } | null {
  if (revises.length !== 1 || (options.branch?.length ?? 0) > 0 || (options.dependsOn?.length ?? 0) > 0) return null;
  const parent = graph.get(revises[0]!);
  const parentName = parseFlywayName(basename(parent.upPath));
  if (parentName?.kind !== 'versioned') return null;
  let version: string;
  if (options.version !== undefined) {
    if (!/^[0-9]+(?:[._][0-9]+)*$/.test(options.version)) throw new WriteError('bad-version', `"${options.version}" is not a Flyway version`, 'this folder is a Flyway folder: use digits in parts separated by "." (e.g. --id 1.2)');
    version = options.version;
  } else version = nextVersion(graph, parentName.version, options.now ?? new Date());
  const id = flywayVersionId(version);
  if (graph.has(id)) throw new WriteError('version-exists', `version ${id} already exists`, 'choose another --id, or leave it out for the next version');
  const upPath = join(dir, `V${version}__${slug}.sql`);
  const downPath = join(dir, `U${version}__${slug}.sql`);
  try {
    writeFileSync(upPath, '-- Write the SQL of the change here (a Flyway V file: this folder is read as Flyway\'s).\n', { flag: 'wx' });
    writeFileSync(downPath, `-- Write the SQL that undoes V${version}__${slug}.sql here, in reverse order.\n`, { flag: 'wx' });
  } catch (error) {
    throw new WriteError('write-failed', `cannot write ${upPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'check that the folder exists and is writable (or pass --dir)');
  }
  return { id, upPath, downPath, revises };
}

function nextVersion(graph: RevisionGraph, parent: string, now: Date): string {
  const newest = [...graph.ids()].sort(compareVersions).pop()!;
  if (/^[0-9]{12,}$/.test(parent)) {
    // A timestamp version: a fresh one, later than every version.
    let time = now.getTime();
    let v = timestampVersion(new Date(time));
    while (graph.has(flywayVersionId(v)) || compareVersions(flywayVersionId(v), newest) <= 0) v = timestampVersion(new Date((time += 1000)));
    return v;
  }
  // The parent's spelling is kept: V1_27 → V1_28, V007 → V008.
  const m = /^(.*?)([0-9]+)$/.exec(parent)!;
  let last = m[2]!;
  let v: string;
  do {
    last = String(BigInt(last) + 1n).padStart(last.length, '0');
    v = m[1]! + last;
  } while (graph.has(flywayVersionId(v)) || compareVersions(flywayVersionId(v), newest) <= 0);
  return v;
}
