import type { LayoutWriterOptions } from './layout-writer.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WriteError } from './errors.js';
import { SQLX_NO_DOWN } from './files/sqlx-folder.js';
import { compareVersions, timestampVersion } from './files/version-order.js';
import type { RevisionGraph } from './graph/graph.js';

/**
 * `revision -m` on an sqlx head, as `sqlx migrate add <name>` does it (sqlx-cli migrate.rs,
 * opt.rs): a simple `<version>_<name>.sql` holding `-- Add migration script here`. The version
 * is sqlx's inferred one: sequential (4 digits at least) when the last two versions differ by
 * one, or the only one is 0 or 1; else a UTC timestamp (later than every version). Null when
 * the parent is not an sqlx simple file.
 */
export function writeSqlxRevision(
  dir: string,
  graph: RevisionGraph,
  revises: readonly string[],
  options: LayoutWriterOptions,
  slug: string,
): { id: string; upPath: string; downPath: null; revises: readonly string[] } | null {
  if (revises.length !== 1 || graph.get(revises[0]!).missingDown !== SQLX_NO_DOWN) return null;
  if ((options.branch?.length ?? 0) > 0 || (options.dependsOn?.length ?? 0) > 0) {
    throw new WriteError('sqlx-folder', 'an sqlx folder cannot say a branch label or depends-on (sqlx runs every file of it in version order)', 'leave out --branch and --depends-on here; for a branched history, move the folder to migrate-tui\'s own layout');
  }
  const numbers = graph.ids().filter((id) => /^[0-9]+$/.test(id)).sort(compareVersions);
  let version = options.version;
  if (version === undefined) version = sequential(numbers) ?? timestamp(numbers, options.now ?? new Date());
  else if (!/^[0-9]+$/.test(version) || BigInt(version) > 9223372036854775807n) throw new WriteError('bad-version', `"${version}" is not an sqlx version`, 'sqlx reads the version as a number (an i64): use digits only, e.g. --id 20261204120000');
  if (graph.has(version) || numbers.some((id) => BigInt(id) === BigInt(version!))) throw new WriteError('version-exists', `version ${version} already exists`, 'choose another --id, or leave it out for the next one');
  const upPath = join(dir, `${version}_${slug}.sql`);
  try {
    writeFileSync(upPath, '-- Add migration script here\n', { flag: 'wx' });
  } catch (error) {
    throw new WriteError('write-failed', `cannot write ${upPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'check that the folder exists and is writable (or pass --dir)');
  }
  return { id: version, upPath, downPath: null, revises };
}

/** sqlx's inference (`DefaultVersioning::Inferred`): the next number, as `{:04}`, when the folder counts up by one. */
function sequential(numbers: readonly string[]): string | null {
  const last = numbers[numbers.length - 1];
  if (last === undefined) return null;
  const previous = numbers[numbers.length - 2];
  const by1 = previous === undefined ? BigInt(last) <= 1n : BigInt(last) - BigInt(previous) === 1n;
  return by1 ? String(BigInt(last) + 1n).padStart(4, '0') : null;
}

function timestamp(numbers: readonly string[], now: Date): string {
  let time = now.getTime();
  let version = timestampVersion(new Date(time));
  const newest = numbers[numbers.length - 1];
  while (newest !== undefined && compareVersions(version, newest) <= 0) version = timestampVersion(new Date((time += 1000)));
  return version;
}
