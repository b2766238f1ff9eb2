import { hintAt, isSeedStep, recordsApplied, toolName, type CommandPlace, type OtherToolRecord } from '../engine/index.js';
import { keyOf, RESOLVE_CHOICE_KEYS as K } from './keymap.js';

/**
 * The TUI's words for the engine's hints: its keys where the CLI's would name flags a TUI
 * user cannot type (`migrate-tui resolve 2 --resume`, `--from-file`, `--reverted`…).
 */

/** The key that opens resolve's choices, from the registry. */
export const resolveKey = (): string => keyOf('resolve');

/**
 * The way on, in the TUI's keys; the engine's hint when it names no CLI flag of resolve. A
 * shell command in it names `--url <url>` when the TUI was opened with --url (`place`): bare,
 * it would act on DATABASE_URL's, the config's or the default database.
 */
export function tuiHint(error: unknown, place: CommandPlace = { url: false }): string | undefined {
  const hint = keyHint(error);
  return hint === undefined ? undefined : hintAt(hint, place);
}

function keyHint(error: unknown): string | undefined {
  const e = error as { code?: string; hint?: string; meta?: { state?: string; statement?: number; statements?: number; choose?: string; records?: unknown; kept?: number; bookkeeping?: boolean; unmarked?: { recorded: number }; ranInOwnTransaction?: unknown } } | null;
  if (!e) return undefined;
  const R = resolveKey();
  const dirtyRun = e.code === 'migration-failed' && e.meta?.state === 'dirty' && (e.meta.statement ?? 0) <= (e.meta.statements ?? 0);
  const logLagged = lockedLogHint(e.meta, R);
  if (e.code === 'migration-failed' && logLagged) return logLagged;
  // A seed has no down SQL: "reverse undoes it" was offered for one, and then refused.
  const seed = isSeedStep(String((e.meta as { revision?: unknown } | undefined)?.revision ?? ''));
  if (dirtyRun) return `fix the cause, then press ${R} (resolve): resume runs the rest, ${seed ? '' : 'reverse undoes it, '}applied / reverted record what you finished or undid by hand${seed ? ' (a seed has no down SQL: undo what ran by hand before reverted)' : ''}`;
  switch (e.code) {
    case 'dirty':
      return `inspect the database, then press ${R} (resolve): ${K.resume} resume runs the rest, ${seed ? '' : `${K.reverse} reverse undoes it, `}${K.applied} applied / ${K.reverted} reverted record what you finished or undid by hand${seed ? ' (a seed has no down SQL: undo what ran by hand before reverted)' : ''}`;
    case 'seed-irreversible':
      return `undo what ran by hand, then press ${R} and ${K.reverted} (reverted); or ${K.resume} (resume) runs the rest`;
    case 'gaps':
      return 'this happens when a file is merged late with a lower version; the TUI does not apply out of order: check it is safe to run now, then run `migrate-tui upgrade --out-of-order` in a shell';
    case 'irreversible':
      // A downgrade refused before anything ran (the planner names the revisions) is not a dirty step: resolve has nothing to do.
      if (Array.isArray((e.meta as { irreversible?: unknown } | undefined)?.irreversible)) return e.hint?.replace('`migrate-tui backups` lists them', `press ${keyOf('backups')} for the backups`).replace('write a new revision that undoes it', `write a new revision that undoes it (${keyOf('new')})`);
      return `undo what ran by hand, then press ${R} and ${K.reverted} (reverted)`;
    case 'no-files':
      return `check out the branch that has its files, or finish it by hand, then press ${R} and ${K.applied} (applied)`;
    case 'large-file-changed':
      return `restore the file as it was when the step started (its checksum is in the log row), then press ${R} and ${K.resume} (resume); or finish by hand, then ${R} and ${K.applied} (applied) or ${K.reverted} (reverted)`;
    case 'other-tool': {
      const records = e.meta?.records as OtherToolRecord[] | undefined;
      const stamp = records?.find((r) => r.stamp !== null)?.stamp;
      // Several targets (rows on several branches): the TUI's stamp marks one revision, so the CLI's command.
      const several = records?.find((r) => r.stampTargets !== null && r.stampTargets.length > 1)?.stampTargets;
      if (!stamp && several) return `if the database is at ${several.join(' and ')}, take it over in a shell with \`migrate-tui stamp ${several.join(' ')}\` (one stamp, several targets: the TUI's ${stampKey()} stamps one revision). ${e.hint?.slice(e.hint.indexOf('If ')) ?? ''}`;
      return stamp ? `if the database is at ${stamp}, select ${stamp === 'heads' ? 'the head' : stamp} in the history and press ${stampKey()} (stamp: records it and what it is built on as applied, runs no SQL). ${e.hint?.slice(e.hint.indexOf('If ')) ?? ''}` : e.hint;
    }
    case 'backup-tool':
      // The TUI has no --no-backup: the confirmation's "Backup first" is turned off with tab.
      return e.hint?.replace(/(?:,? or pass|;) --no-backup(?: to go on without a backup| skips the backup)?$/, '; or turn "Backup first" off (tab, on the confirmation) to go on without one');
    case 'usage':
      if (e.meta?.choose === 'resume-source') return `press ${R}, then ${K.resume} (resume): it shows the change and asks where the remaining statements come from (${K.fromFile}: the file as it is now, ${K.fromLog}: the SQL recorded when the step started)`;
  }
  return e.hint;
}

const stampKey = (): string => keyOf('stamp');

/**
 * A step whose writes to the log met another session's lock: the log counts fewer statements
 * than ran, so resume's default (r) would run completed ones again; the key that starts where
 * the failure says (the CLI's `--resume-at`), or applied when every statement ran.
 */
function lockedLogHint(meta: { state?: string; statement?: number; statements?: number; kept?: number; bookkeeping?: boolean; unmarked?: { recorded: number }; ranInOwnTransaction?: unknown } | undefined, R: string): string | undefined {
  if (!meta || meta.state !== 'dirty' || meta.ranInOwnTransaction || meta.kept === undefined) return undefined;
  const finished = (meta.statement ?? 0) > (meta.statements ?? 0);
  if (finished && meta.bookkeeping) return `every statement ran, and only migrate-tui's record of it failed: once that session has finished, press ${R} and ${K.applied} (applied)`;
  const recorded = meta.unmarked?.recorded;
  if (finished || recorded === undefined || recorded >= meta.kept) return undefined;
  const at = meta.kept + 1;
  return at === recorded + 2
    ? `once that session has finished, press ${R}, then ${K.resumeAfter} (resume after statement ${meta.kept}: it completed, though the log does not record it)`
    : `once that session has finished, press ${R}, then ${K.resumeAt} and type ${at} (resume at statement ${at}: statements 1–${meta.kept} completed, though the log records ${recorded === 0 ? 'none' : `only ${recorded}`})`;
}

/**
 * The status bar's words on first contact with a database another tool migrated; null otherwise.
 * The way on comes first and the table's details last: the line is cut at the terminal's width,
 * and a dbmate table's list of versions alone filled 80 columns and hid the stamp.
 */
export function otherToolNotice(records: readonly OtherToolRecord[] | undefined, place: CommandPlace = { url: false }): string | null {
  const r = (records ?? []).find(recordsApplied);
  if (!r) return null;
  const way =
    r.stamp !== null
      ? `stamp ${r.stamp} (${stampKey()}) takes it over`
      : r.stampTargets !== null
        ? `${hintAt(`\`migrate-tui stamp ${r.stampTargets.join(' ')}\``, place)} takes it over`
        : `no stamp fits (${hintAt('`migrate-tui status`', place)} says why)`;
  // Short: it shares the status line with the dialect (and the database, when it fits).
  // Why no stamp fits when the tool itself stopped part-way: the one word that must not be cut off.
  const broken = r.dirty ? (r.tool === 'golang-migrate' ? ' (DIRTY)' : r.tool === 'flyway' ? ' (a FAILED entry)' : ' (stopped part-way)') : '';
  const who = r.unreadable ? `${toolName(r.tool)}'s ${r.table} is here (this user may not read it)` : `migrated by ${toolName(r.tool)}${broken}`;
  return `${who}: ${way} · no migrate-tui record${r.unreadable ? '' : `; ${r.table}: ${r.position}`}`;
}
