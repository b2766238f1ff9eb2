import { readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { problem, type FileProblem } from '../problems.js';
import type { NamedFile, VersionEntry } from './entry-types.js';
import type { FlywayName } from './flyway-names.js';

/**
 * Sorts one Flyway-named file into the folder's versions: a `V` file is the up of its
 * version, a `U` file the down. Repeatable (`R__`) and baseline (`B<version>__`) files are
 * refused with an error; a name with a bad version is skipped with a warning, as Flyway
 * skips names it cannot read. Returns false when the file was skipped.
 */
export function addFlywayFile(dir: string, name: string, parsed: FlywayName, entries: Map<string, VersionEntry>, problems: FileProblem[]): boolean {
  const path = join(dir, name);
  if (parsed.kind === 'invalid') {
    problems.push(problem('bad-file-name', path, 0, `not read: looks like a Flyway ${parsed.prefix} file, but ${parsed.reason}`, `rename it to ${parsed.prefix}<version>__<description>.sql with a version like 1, 1.2 or 20261121093000, or move it out of the folder`, 'warning'));
    return false;
  }
  if (parsed.kind === 'repeatable') {
    problems.push(
      problem(
        'flyway-repeatable',
        path,
        0,
        'a Flyway repeatable migration (R__), which Flyway re-runs after the versioned ones whenever its checksum changes: migrate-tui runs each revision once, so it is not read, and nothing runs until it is dealt with',
        'make it a versioned revision: rename it to V<next version>__' +
          parsed.slug +
          '.sql (and write each later change as a new V file with CREATE OR REPLACE), or move it out of the folder and run it yourself after each upgrade; on a database Flyway already ran it on, stamp that new version too (`stamp <it>`): what it made is there, and running it again can fail (a view others depend on cannot be dropped)',
      ),
    );
    return true;
  }
  if (parsed.kind === 'baseline') {
    problems.push(
      problem(
        'flyway-baseline',
        path,
        0,
        `a Flyway baseline migration (B, Flyway Teams), which Flyway runs on an empty database instead of the V files up to version ${parsed.id}: migrate-tui has no such shortcut, so it is not read, and nothing runs until it is dealt with`,
        `delete it when the V files up to ${parsed.id} are all in the folder (they give the same schema); if they were removed, rename it to V${parsed.version}__${parsed.slug}.sql so it starts the history`,
      ),
    );
    return true;
  }
  const direction = parsed.kind === 'versioned' ? 'up' : 'down';
  let entry = entries.get(parsed.id);
  const clash = entry && (entry.single || entry.parts.size > 0 || entry.flyway?.[direction]);
  if (entry && clash) {
    const other = entry.flyway?.[direction]?.name ?? entry.single?.name ?? [...entry.parts.values()].flatMap((p) => [p.up?.name, p.down?.name]).find((n) => n);
    problems.push(
      problem(
        'duplicate-version',
        path,
        0,
        `version ${parsed.id} is used twice: ${other} and ${name}${other && /^[VU]/.test(other) ? ' (Flyway reads 1.0, 1_0 and 001 as version 1)' : ''}`,
        'give one of them a new version, keeping each V file and its U file on the same version',
      ),
    );
    return true;
  }
  if (!entry) {
    entry = { version: parsed.id, parts: new Map() };
    entries.set(parsed.id, entry);
  }
  const file: NamedFile = { name, slug: parsed.slug, autocommit: false };
  entry.flyway = { ...entry.flyway, [direction]: file };
  return true;
}

/**
 * Flyway reads its locations recursively; migrate-tui reads one folder. Flyway files in a
 * sub-folder would be left out of the history, so each sub-folder holding one is an error.
 */
export function flywaySubfolderProblems(dir: string, isFlyway: (name: string) => boolean): FileProblem[] {
  const found: string[] = [];
  // Three levels down, past dot-folders and node_modules: enough for Flyway's layouts, and
  // cheap when --dir is a project's root.
  const walk = (rel: string, depth: number) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && depth < 3 && !e.name.startsWith('.') && e.name !== 'node_modules') walk(path, depth + 1);
      else if (rel && e.isFile() && isFlyway(e.name)) found.push(path);
    }
  };
  walk('', 0);
  const folders = new Map<string, string[]>();
  for (const p of found.sort()) {
    const folder = p.slice(0, p.lastIndexOf('/'));
    folders.set(folder, [...(folders.get(folder) ?? []), p.slice(folder.length + 1)]);
  }
  return [...folders].map(([folder, names]) =>
    problem(
      'flyway-subfolder',
      join(dir, folder),
      0,
      `${names.length} Flyway file${names.length === 1 ? '' : 's'} in a sub-folder (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}): Flyway reads sub-folders of its locations, migrate-tui reads only ${dir}, so ${names.length === 1 ? 'it' : 'they'} would not run`,
      'move the files into the migrations folder itself (their versions keep the order), or point --dir at the sub-folder if it is a separate history',
    ),
  );
}
