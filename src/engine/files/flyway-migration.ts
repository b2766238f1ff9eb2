import { join } from 'node:path';
import { problem, type FileProblem } from '../problems.js';
import type { NamedFile, VersionEntry } from './entry-types.js';
import { readFlywayScript } from './flyway-script.js';
import { buildMigration, type Migration } from './migration.js';
import { readText } from './read-text.js';
import { parseSqlSource, type SqlSource } from './sql-source.js';

/**
 * One Flyway version as a revision: the `V` file is the up, the `U` file (Flyway Teams'
 * undo) the down; without a `U` file the revision is irreversible, as an up without a
 * down. Script configuration (`-- flyway:executeInTransaction=false`, or the `.sql.conf`
 * file) and placeholders are read by readFlywayScript.
 */
export function flywayMigration(dir: string, entry: VersionEntry, names: ReadonlySet<string>, previous: string | null, lazyDown: boolean, problems: FileProblem[]): Migration | null {
  const { up: upFile, down: downFile } = entry.flyway!;
  if (!upFile) {
    const path = join(dir, downFile!.name);
    problems.push(problem('down-without-up', path, 0, `a Flyway undo file without its versioned file (version ${entry.version})`, `add V${entry.version}__${downFile!.slug}.sql, or delete this file`));
    return null;
  }
  const up = readFlywaySource(dir, upFile, 'up', names, problems);
  if (!up) return null;
  const upPath = join(dir, upFile.name);
  const downPath = downFile ? join(dir, downFile.name) : null;
  const down = !downFile ? null : lazyDown ? () => readFlywaySource(dir, downFile, 'down', names, []) : readFlywaySource(dir, downFile, 'down', names, problems);
  const noDown = {
    message: `no U${entry.version}__….sql undo file: the revision is irreversible (downgrades past it are refused)`,
    hint: `write the SQL that undoes it in U${upFile.name.slice(1)}, or put \`-- migrate:irreversible\` at the top of this file to say so`,
  };
  return buildMigration(entry.version, upFile.slug, upPath, up, downPath, down, previous, problems, noDown);
}

function readFlywaySource(dir: string, file: NamedFile, kind: 'up' | 'down', names: ReadonlySet<string>, into: FileProblem[]): SqlSource | null {
  const path = join(dir, file.name);
  const text = readText(path, into);
  if (text === null) return null;
  let conf: { path: string; text: string } | null = null;
  if (names.has(`${file.name}.conf`)) {
    const confPath = join(dir, `${file.name}.conf`);
    const confText = readText(confPath, into);
    if (confText !== null) conf = { path: confPath, text: confText };
  }
  const script = readFlywayScript(path, text, conf);
  into.push(...script.problems);
  const source = parseSqlSource(path, text, kind, script.transactionOff ? { transactionOff: script.transactionOff } : undefined);
  if (source.problems.length > 0) into.push(...source.problems);
  return source;
}
