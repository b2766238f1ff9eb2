import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MigrateTuiError } from '../errors.js';
import type { RevisionGraph } from '../graph/graph.js';
import { revisionByFileName } from '../graph/targets.js';
import { versionRows } from '../plan/version-rows.js';
import { recordsApplied, toolName, type OtherToolReading, type OtherToolRecord } from './other-tools.js';
import { compareFlywayVersions, flywayVersionId, isFlywayVersion } from '../files/flyway-names.js';
import { compareBytes } from '../files/atlas-sum.js';
import { gooseGoFile } from '../files/goose-go.js';

/**
 * Whether another tool's record maps onto this folder's revisions, and so which `stamp` takes
 * the database over; else exactly why not. A version maps to the revision of the same id, or of
 * the same number (golang-migrate and goose keep `0001_x.up.sql` as 1), or (Alembic) of that file name or that id
 * without its underscores.
 */
export function takeOver(graph: RevisionGraph, record: OtherToolReading): TakeOver {
  const none = { stamp: null, stampTargets: null, problem: null };
  const from = `${toolName(record.tool)}'s ${record.table}`;
  if (record.unreadable) return refused( `migrate-tui may not read ${from}, so what it records is unknown: grant SELECT on it to this user, or look at it as its owner`);
  if (record.tool === 'flyway' && record.dirty) {
    // `flyway repair` removes a failed entry (and realigns checksums, which does not matter here): without Flyway, the same DELETE does it.
    return refused( `${from} records a FAILED migration: Flyway's own repair comes first — undo by hand what it did before it failed, then \`flyway repair\` (without Flyway: \`DELETE FROM ${record.table} WHERE NOT success\`, which is what repair does to a failed entry); then look again with \`migrate-tui status\`: the failed version is then pending`);
  }
  if (record.tool === 'golang-migrate' && record.dirty) {
    const version = record.versions[0] ?? '-1';
    return refused( `${from} is DIRTY at version ${version}: a golang-migrate migration failed part-way. golang-migrate's own repair comes first: fix the database by hand, then \`migrate force <the version it is really at>\` (without golang-migrate, what force writes: \`UPDATE ${record.table} SET dirty = false\` if you finished ${version} by hand, or \`UPDATE ${record.table} SET version = <the version before ${version}>, dirty = false\` if you undid it — \`DELETE FROM ${record.table}\` if ${version} was the first); then look again with \`migrate-tui status\``);
  }
  if (record.tool === 'atlas' && record.dirty) {
    // Atlas resumes a revision at the statement after the last one applied, checking that those did not change.
    return refused( `${from} records a migration that stopped part-way: ${record.stopped ?? 'unknown'}. Atlas's own repair comes first: fix the cause and run \`atlas migrate apply\` again (it resumes at the statement that failed), or undo by hand what the file ran and \`atlas migrate set <the version before it>\` (which removes its row); then look again with \`migrate-tui status\``);
  }
  if (record.tool === 'sqlx' && record.dirty) {
    // sqlx refuses too (MigrateError::Dirty), and says what its repair is: fix, then remove the row.
    const first = (record.stopped ?? '').split(', ')[0] ?? '';
    return refused( `${from} records migration ${record.stopped ?? 'unknown'} with success = false: it failed part-way (sqlx itself refuses: "migration ${first} is partially applied; fix and remove row from \`${record.table}\` table"). sqlx's own repair comes first: finish or undo by hand what the file ran, then \`DELETE FROM ${record.table} WHERE version = ${first}\`; then look again with \`migrate-tui status\`: the version is then pending`);
  }
  const byNumber = new Map<string, string>();
  for (const id of graph.ids()) if (/^\d+$/.test(id)) byNumber.set(BigInt(id).toString(), id);
  const anyLayout = (version: string): string | null => (graph.has(version) ? version : /^\d+$/.test(version) ? (byNumber.get(BigInt(version).toString()) ?? null) : null);
  // Alembic's worded ids (`0001_initial`): as `import alembic` wrote them, by file name or without underscores.
  const alembicNamed = (version: string): string | null => (record.tool === 'alembic' ? revisionByFileName(graph, version) : null);
  // Flyway's versions name V files, read as revisions with Flyway's ids (`1_1` and `1.10.0` are `1.1` and `1.10`).
  const revisionOf = (version: string): string | null =>
    anyLayout(version) ?? alembicNamed(version) ?? (record.tool === 'flyway' && isFlywayVersion(version) ? anyLayout(flywayVersionId(version)) : null);
  // Flyway's baseline: it and every version below it count as applied, whether or not it is a file of
  // the folder (Flyway skips the V files at or below it: `flyway baseline` at 2.5 covers V1 and V2; at 1
  // under files that start at 2 it covers nothing).
  // Atlas: the files below its first recorded version (its baseline, or the checkpoint it started from) are never
  // looked at again by Atlas, so they count as applied; a file between the first and the last that is not recorded is a hole.
  // Checkpoints below its last version are skipped by Atlas on a database it migrated, so they need no row either.
  const covered = record.baseline !== undefined ? atOrBelow(graph, record.baseline) : record.tool === 'atlas' ? atlasCovered(graph, record.versions) : [];
  if (record.versions.length === 0 && covered.length === 0) return none;
  const unknown = record.versions.filter((v) => revisionOf(v) === null);
  // goose's Go migrations of this folder: known, not run here; once each is a SQL file of its version, the stamp fits.
  const goFiles = record.tool === 'goose' ? unknown.map((v) => gooseGoFile(graph, v)) : [];
  if (goFiles.length > 0 && goFiles.every((f) => f !== undefined)) {
    const some = (xs: readonly (string | undefined)[]) => (xs.length > 5 ? `${xs.slice(0, 5).join(', ')} and ${xs.length - 5} more` : xs.join(', '));
    return refused(`${from} records ${unknown.length === 1 ? 'version' : 'versions'} ${some(unknown)}: goose Go migrations of this folder (${some(goFiles)}), which migrate-tui does not run. Write what each does as SQL in a goose file of the same version (\`migrate-tui check\` names them); the stamp then fits, and the database, already past them, never runs those files`);
  }
  if (unknown.length > 0) {
    const list = unknown.length > 5 ? `${unknown.slice(0, 5).join(', ')} and ${unknown.length - 5} more` : unknown.join(', ');
    return refused( `${from} records ${unknown.length === 1 ? 'version' : 'versions'} ${list}, which ${unknown.length === 1 ? 'is not a revision' : 'are not revisions'} of this folder: check that the folder is this database's history (another branch, another service?) before stamping anything`);
  }
  const mapped = new Set(record.versions.map((v) => revisionOf(v)!));
  for (const id of graph.ancestors(covered)) mapped.add(id);
  if (record.tool === 'golang-migrate' || record.tool === 'alembic') {
    // The record is the current version rows (heads): everything below them is applied with them. Rows on
    // several branches take a stamp of several targets (`stamp a b`, as `alembic stamp a b`); a row below
    // another (Alembic's stamp writes one per target it is given) adds nothing, as `alembic current` shows.
    const heads = versionRows(graph, graph.ancestors(mapped));
    const all = graph.heads();
    if (heads.length > 1 && heads.length === all.length && heads.every((h) => all.includes(h))) return fits(['heads']);
    return fits(heads);
  }
  if (mapped.size === 0) return none;
  // dbmate, goose, Flyway, Atlas: every applied version is listed, so holes can be seen.
  const below = [...graph.ancestors(mapped)].filter((id) => !mapped.has(id)).sort((a, b) => graph.rankOf(a) - graph.rankOf(b));
  if (below.length > 0) {
    const list = below.length > 5 ? `${below.slice(0, 5).join(', ')} and ${below.length - 5} more` : below.join(', ');
    return refused( `${from} does not record ${list}, which ${below.length === 1 ? 'a recorded version is' : 'recorded versions are'} built on (applied out of order, or skipped): a stamp would record ${below.length === 1 ? 'it' : 'them'} as applied without ${below.length === 1 ? 'its' : 'their'} SQL. Apply ${below.length === 1 ? 'it' : 'them'} with ${toolName(record.tool)} first, or check the schema by hand`);
  }
  // Versions that end on several branches take a stamp of several targets (`stamp a b`).
  const heads = versionRows(graph, mapped);
  if (heads.length > 1 && mapped.size === graph.size) return fits(['heads']);
  return fits(heads);
}

/**
 * sqlx: the applied versions whose file is not the one sqlx applied — its SHA-384 (of the file's
 * bytes, as sqlx hashes it) differs from the checksum recorded. sqlx refuses to run then
 * ("migration 2 was previously applied but has been modified"); here it is a warning: the stamp
 * records the files as they are, and whether the change matters is the user's call.
 */
export function sqlxChanged(graph: RevisionGraph, record: OtherToolReading): string[] {
  if (record.tool !== 'sqlx' || !record.checksums) return [];
  const byNumber = new Map<string, string>();
  for (const id of graph.ids()) if (/^\d+$/.test(id)) byNumber.set(BigInt(id).toString(), id);
  return record.versions.filter((version) => {
    const id = graph.has(version) ? version : /^-?\d+$/.test(version) ? byNumber.get(BigInt(version).toString()) : undefined;
    const recorded = record.checksums![version];
    if (id === undefined || !recorded) return false;
    try {
      return createHash('sha384').update(readFileSync(graph.get(id).upPath)).digest('hex') !== recorded;
    } catch {
      return false; // unreadable now: the folder's own problems say so
    }
  });
}

/** The stamp that takes a database over (one target or several), or why none fits. */
export interface TakeOver {
  readonly stamp: string | null;
  readonly stampTargets: readonly string[] | null;
  readonly problem: string | null;
}

const fits = (targets: readonly string[]): TakeOver => ({ stamp: targets.length === 1 ? targets[0]! : null, stampTargets: targets, problem: null });
const refused = (problem: string): TakeOver => ({ stamp: null, stampTargets: null, problem });

/** The stamp's arguments as typed (`bb01 dd02`), or null when no stamp fits. */
export function stampArguments(record: Pick<OtherToolRecord, 'stampTargets'>): string | null {
  return record.stampTargets === null ? null : record.stampTargets.join(' ');
}

/** The revisions at or below a Flyway version, in Flyway's order (`1.10` above `1.9`, `1.0` is `1`): ids like `1.1` or `000002`. */
function atOrBelow(graph: RevisionGraph, version: string): string[] {
  if (!isFlywayVersion(version)) return [];
  return graph.ids().filter((id) => /^[0-9]+(?:\.[0-9]+)*$/.test(id) && compareFlywayVersions(id, version) <= 0);
}

/** What Atlas counts as applied without a row: the files below its first version, and checkpoints below its last. */
function atlasCovered(graph: RevisionGraph, versions: readonly string[]): string[] {
  if (versions.length === 0) return [];
  const first = versions[0]!;
  const last = versions[versions.length - 1]!;
  return graph.ids().filter((id) => compareBytes(id, first) < 0 || (graph.get(id).atlasCheckpoint === true && compareBytes(id, last) < 0));
}

/** `golang-migrate (schema_migrations: version 3, not dirty)`. */
export function describeOtherTool(record: OtherToolRecord): string {
  return `${toolName(record.tool)} (${record.table}: ${record.position})`;
}

/** What a database is, as a sentence's predicate: `was migrated by golang-migrate (…)`, or, unread, only that the table is there. */
export function migratedBy(record: OtherToolRecord): string {
  return record.unreadable ? `has ${toolName(record.tool)}'s table ${record.table}, which this user may not read (${record.position.replace(/^could not be read: /, '')})` : `was migrated by ${describeOtherTool(record)}`;
}

/** What to do about a record, as one sentence: the stamp, or why there is none. */
export function otherToolWayOut(record: OtherToolRecord): string {
  const targets = record.stampTargets;
  if (targets === null) return record.problem ?? 'nothing is applied by it';
  const heads = targets.length === 1 && targets[0] === 'heads';
  const at = heads ? "this folder's heads" : andList(targets);
  return `if the database is at ${at}, take it over with \`migrate-tui stamp ${targets.join(' ')}\` (records ${heads ? 'every revision' : `${targets.join(', ')} and what ${targets.length === 1 ? 'it is' : 'they are'} built on`} as applied; runs no SQL), then upgrade`;
}

/** sqlx: which files changed since sqlx applied them, as a sentence. */
export function changedWords(r: Pick<OtherToolRecord, 'tool' | 'table' | 'changed'>): string {
  const list = r.changed ?? [];
  const one = list.length === 1;
  return `the file${one ? '' : 's'} of version${one ? '' : 's'} ${andList([...list])} ${one ? 'is' : 'are'} not what ${toolName(r.tool)} applied (SHA-384 differs from ${r.table}.checksum; ${toolName(r.tool)} itself would refuse to run: "previously applied but has been modified"): the stamp records ${one ? 'it' : 'them'} as ${one ? 'it is' : 'they are'} now, so check what changed and apply the difference by hand if the database needs it`;
}

/** `a`, `a and b`, `a, b and c`. */
function andList(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]!}`;
}

/**
 * What `stamp` says on first contact (the CLI on stderr, the TUI in its confirmation): the other
 * tool's table is left as it was, and when the target is not where that table says the database
 * is, or no stamp fits that table (why not), that too.
 */
export function takeOverLines(records: readonly OtherToolRecord[] | undefined, targets: string | readonly string[]): string[] {
  const given = typeof targets === 'string' ? [targets] : [...targets];
  // Several targets in any order (a target named twice counts once).
  const same = (suggested: readonly string[]) => [...new Set(suggested)].sort().join(' ') === [...new Set(given)].sort().join(' ');
  return (records ?? []).filter(recordsApplied).flatMap((r) => {
    // No stamp fits (a FAILED entry, a hole, a version the folder lacks): the stamp is the user's call, but said.
    const warning =
      r.stampTargets !== null && !same(r.stampTargets)
        ? [`warning: ${toolName(r.tool)}'s ${r.table} says the database is at ${r.stampTargets.join(' ')}, not ${given.join(' ')}: check the schema before going on`]
        : r.stampTargets === null && r.problem !== null
          ? [`warning: no stamp fits: ${r.problem}`]
          : [];
    // Spring Boot runs Flyway by itself at start: the usual way a switched database gets migrated by Flyway again.
    const where =
      r.tool === 'flyway'
        ? ' (a Spring Boot application runs it at start while flyway-core is on its classpath: set spring.flyway.enabled=false)'
        : r.tool === 'atlas'
          ? ' (an `atlas migrate apply` step in CI or a deploy script, or the Atlas Operator\'s AtlasMigration resource in Kubernetes)'
          : r.tool === 'sqlx'
            ? ' (an application that embeds its migrations runs them at start: a `sqlx::migrate!(…).run(…)` call in its code; or `sqlx migrate run` in CI or a deploy script)'
            : '';
    const changed = r.changed && r.changed.length > 0 ? [`warning: ${changedWords(r)}`] : [];
    return [...warning, ...changed, `taking over from ${toolName(r.tool)}: its ${r.table} is left as it was (migrate-tui never writes it); stop running ${toolName(r.tool)} on this database${where}, and drop the table when you no longer need it`];
  });
}

/**
 * First contact with a database another tool migrated: migrate-tui has no record of it, and
 * running would apply again what that tool applied. Raised before anything is written.
 */
export class OtherToolError extends MigrateTuiError {
  constructor(records: readonly OtherToolRecord[], display: string, action: 'upgrade' | 'downgrade' | 'upgrade --sql', firstPending: string | null) {
    const what = records.map(migratedBy).join(' and ');
    const first = firstPending === null ? 'the folder' : `revision ${firstPending}`;
    // Unread, what the table records is unknown: "again" would claim more than is known.
    // Only a Flyway baseline (`flyway baseline` on an existing schema): Flyway applied nothing, so not "again".
    const baselineOnly = records.find((r) => r.baseline !== undefined && r.versions.length === 0 && !r.dirty && !r.unreadable);
    const again =
      baselineOnly && records.length === 1
        ? `would apply ${first}, which ${toolName(baselineOnly.tool)}'s baseline ${baselineOnly.baseline} counts as already in the schema`
        : records.some((r) => !r.unreadable)
          ? `would apply ${first} again`
          : `would start at ${first}, whatever that table records`;
    const consequence = action === 'downgrade' ? 'it has nothing to revert until it takes the database over' : `${action === 'upgrade --sql' ? 'a script planned from it' : 'an upgrade'} ${again}`;
    const tables = records.map((r) => r.table).join(' / ');
    // `reason`: what is wrong, without the refusal's framing (check lists it as a problem of the database).
    const reason = `${what}, and migrate-tui has no record of it yet: ${consequence}`;
    super(
      'other-tool',
      `refused: ${display} ${reason}. ${action === 'upgrade --sql' ? 'No script was made' : 'Nothing was written'}`,
      `${records.map(otherToolWayOut).join('; ')}. If ${tables} is not this history's (left by an old tool, or another application's), drop or rename it, and migrate-tui will treat the database as new`,
      { records, action, reason },
    );
  }
}
