import type { Capabilities, CommandPlace, CoveredTarget, LeaseHolder, OtherToolRecord } from '../../engine/index.js';
import { engine } from '../engine.js';

/** The server's capabilities when they are not the dialect's usual ones, the advisory lock's holder, and the lease row when there is one. */
export function lockText(c: Capabilities, lease: LeaseHolder | null, holder: string | null = null): string {
  const lines = c.lock === 'lease' || c.overriddenBy !== null ? [`server:   ${engine.describeCapabilities(c)}`] : [];
  if (holder) lines.push(`LOCK:     the migration lock is ${holder}`);
  if (lease) {
    lines.push(`LOCK:     ${engine.describeHolder(lease)}`);
    if (engine.isStale(lease)) lines.push(`          the next run refuses (exit 10) until its owner is known to be gone and it runs with --steal-stale-lock`);
  }
  return lines.map((l) => l + '\n').join('');
}

/**
 * `OTHER:` lines on first contact (migrate-tui has no record of the database): what another
 * tool's table says, and the stamp that takes the database over, or exactly why none fits.
 */
export function otherToolLines(records: readonly OtherToolRecord[] | undefined, place: CommandPlace, folderErrors = 0): string[] {
  const lines: string[] = [];
  // Errors in the folder (a goose Go migration, a Flyway R__ file) refuse an upgrade first.
  const refuses = folderErrors > 0 ? '`upgrade` refuses until then (exit 3 while the folder has errors, then exit 11)' : '`upgrade` refuses (exit 11) until then';
  for (const r of records ?? []) {
    if (!engine.recordsApplied(r)) {
      lines.push(`OTHER:    ${engine.toolName(r.tool)}'s table ${r.table} is here and records nothing applied (${r.position}); \`upgrade\` starts at the first revision`);
      continue;
    }
    lines.push(`OTHER:    this database ${engine.migratedBy(r)}; migrate-tui has no record of it yet`);
    lines.push(
      r.stampTargets !== null
        ? `          take it over with: ${engine.commandAt(`stamp ${r.stampTargets.join(' ')}`, place)} (runs no SQL); ${refuses}`
        : `          no stamp fits: ${engine.hintAt(r.problem ?? '', place)}; ${refuses}`,
    );
    if (r.changed && r.changed.length > 0) lines.push(`          warning: ${engine.changedWords(r)}`);
  }
  return lines;
}

/** Whether first contact finds another tool's applied versions (status then says `pending` is migrate-tui's view only). */
export const otherToolApplied = (records: readonly OtherToolRecord[] | undefined): boolean => (records ?? []).some((r) => engine.recordsApplied(r));

/** What `stamp` says on first contact with a database another tool migrated (the engine's takeOverLines), one line each; a command it names carries `--url <url>` when the database came from --url. */
export function takeOverNote(records: readonly OtherToolRecord[] | undefined, targets: readonly string[], place: CommandPlace): string {
  return engine.takeOverLines(records, targets).map((line) => `${engine.hintAt(line, place)}\n`).join('');
}

/**
 * What `stamp a b` says of a target another covers: it adds nothing, and gets no row. Said, not
 * refused: alembic stamp takes it too (and writes a row Alembic's next upgrade refuses).
 */
export function coveredNote(covered: readonly CoveredTarget[]): string {
  return covered.map((c) => `note: ${c.target} ${c.target === c.by ? 'is named twice' : `adds nothing to ${c.by}: stamping ${c.by} records it as applied already`}; it gets no version row of its own\n`).join('');
}
