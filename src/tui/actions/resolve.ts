import { isSeedStep, resolveDestroys, riskLines, type DataAtRisk, type ResolveMode, type ResolvePreview, type ResumeSource } from '../../engine/index.js';
import type { TuiContext } from '../context.js';
import { chooseFlow } from '../flows/choose.js';
import { busyFlow } from '../flows/busy.js';
import { confirmFlow, type ConfirmFlow } from '../flows/confirm.js';
import { promptFlow } from '../flows/prompt.js';
import { actionError } from '../flows/result.js';
import { RESOLVE_CHOICE_KEYS as K } from '../keymap.js';
import { resolveKey } from '../tui-hints.js';
import { backupFirst, execute } from './run.js';
import { withFreshState } from './migrate.js';

/** The four ways out of a dirty state (DESIGN §4), each previewed before it runs. */
export function startResolve(ctx: TuiContext): void {
  withFreshState(ctx, 'resolve', () => resolveChoices(ctx));
}

function resolveChoices(ctx: TuiContext): void {
  const dirty = ctx.session.state.dirty;
  if (!dirty) return ctx.notice('nothing to resolve: the database is not dirty');
  const uncertain = dirty.uncertain?.statement ?? null;
  const modes: Array<{ mode: ResolveMode; key: string; label: string; resumeAt?: number }> = [
    { mode: 'resume', key: K.resume, label: `resume: run the ${dirty.statementsTotal - dirty.statementsDone} statement(s) ${uncertain !== null ? `the log does not record as done (statement ${uncertain} again)` : 'that did not run'}` },
    // A killed run: statement N may have completed; resuming after it is the other choice.
    ...(uncertain !== null ? [{ mode: 'resume' as const, key: K.resumeAfter, label: `resume after statement ${uncertain} (its change is already in the database)`, resumeAt: uncertain + 1 }] : []),
    // A run whose writes to the log met a lock ran statements the log could not count: its failure named the statement to resume at (the CLI's --resume-at).
    ...(uncertain !== null && dirty.statementsTotal > uncertain + 1 ? [{ mode: 'resume' as const, key: K.resumeAt, label: `resume at a statement you name (${uncertain + 2 === dirty.statementsTotal ? `statement ${dirty.statementsTotal}` : `${uncertain + 2}–${dirty.statementsTotal}`}: the ones before it are already in the database)`, resumeAt: -1 }] : []),
    // A seed has no down SQL: its reverse was offered, then refused.
    ...(isSeedStep(dirty.revision) ? [] : [{ mode: 'reverse' as const, key: K.reverse, label: `reverse: run the ${dirty.direction === 'up' ? 'down' : 'up'} SQL of ${dirty.revision} as a new step` }]),
    { mode: 'applied', key: K.applied, label: `applied: record ${dirty.revision} as applied (you finished it by hand); no SQL` },
    { mode: 'reverted', key: K.reverted, label: `reverted: record ${dirty.revision} as NOT applied (you undid it by hand); no SQL` },
  ];
  const intro = [
    // The error may be several lines (PostgreSQL's DETAIL, an INVALID index left behind): each its own line, so each wraps as a line.
    ...(uncertain !== null
      ? [
          `the log records ${dirty.statementsDone} of ${dirty.statementsTotal} statements as done, and no outcome: statement ${uncertain} may or may not have completed`,
          ...(dirty.statementsTotal > uncertain ? ['(a run that could not write its progress to the log, behind another session\'s lock, may have run more: its failure said where to resume)'] : []),
        ]
      : `${dirty.statementsDone} of ${dirty.statementsTotal} statements ran${dirty.error ? `; it stopped on: ${dirty.error}` : ''}`.split('\n')),
    ...dirty.ranStatements.map((sql, i) => `  ${i + 1}. ${sql.split('\n')[0]}`),
  ];
  const options = modes.map(({ key, label }) => ({ key, label }));
  const range = (uncertain ?? 0) + 2 === dirty.statementsTotal ? `${dirty.statementsTotal}` : `${(uncertain ?? 0) + 2}–${dirty.statementsTotal}`;
  const askWhere = (error?: string): void => {
    const prompt = promptFlow(`Resume ${dirty.revision} at statement`, [`statement (${range})`], ([at]) => (/^\d+$/.test(at!.trim()) ? confirmResolve(ctx, dirty.revision, 'resume', null, Number(at!.trim())) : askWhere(`not a statement number: '${at!.trim()}' (${range})`)), 'shows the preview');
    ctx.setFlow(error ? { ...prompt, error: [error] } : prompt);
  };
  const choose = (index: number) => (modes[index]!.resumeAt === -1 ? askWhere() : confirmResolve(ctx, dirty.revision, modes[index]!.mode, null, modes[index]!.resumeAt ?? null));
  ctx.setFlow(chooseFlow(`Resolve the unfinished ${dirty.direction} of ${dirty.revision}`, intro, options, choose));
}

function confirmResolve(ctx: TuiContext, revision: string, mode: ResolveMode, source: ResumeSource | null = null, resumeAt: number | null = null): void {
  const { session } = ctx;
  // Esc (or No) on the preview goes back to the four choices, not to the main screen.
  const back = () => resolveChoices(ctx);
  let preview: ResolvePreview;
  try {
    preview = session.resolvePreview(mode, source, resumeAt);
  } catch (error) {
    return ctx.setFlow(actionError(`resolve ${revision}`, error, ctx.session.commandPlace));
  }
  // The file changed since the step started: which SQL runs is the user's explicit choice, with the diff in view.
  if (preview.fileChanged && !preview.source) {
    const options = [
      { key: K.fromFile, label: `from the file as it is now (${preview.fileChanged.fileStatements} statements)` },
      { key: K.fromLog, label: `from the SQL recorded when the step started (${preview.fileChanged.recordedStatements} statements)` },
    ];
    const intro = [`${revision} changed since its unfinished ${preview.direction} started (recorded → file):`, ...preview.fileChanged.diff.split('\n').slice(1), '', 'run the remaining statements:'];
    return ctx.setFlow(chooseFlow(`Resume ${revision}: the file changed`, intro, options, (index) => confirmResolve(ctx, revision, mode, index === 0 ? 'file' : 'log', resumeAt)));
  }
  if (preview.statements.length === 0) return ctx.setFlow(resolveConfirm(ctx, revision, mode, source, resumeAt, preview, [], back));
  // SQL runs: what it destroys is counted first (reads only), as a downgrade's preview counts it.
  ctx.setFlow(busyFlow(`counting what resolve ${revision} (${mode}) would destroy…`));
  session
    .resolveDataAtRisk(preview)
    .then((risks) => ctx.setFlow(resolveConfirm(ctx, revision, mode, source, resumeAt, preview, risks, back)))
    .catch((error) => ctx.setFlow(actionError(`resolve ${revision}`, error, ctx.session.commandPlace)));
}

function resolveConfirm(ctx: TuiContext, revision: string, mode: ResolveMode, source: ResumeSource | null, resumeAt: number | null, preview: ResolvePreview, risks: readonly DataAtRisk[], back: () => void): ConfirmFlow {
  const { session } = ctx;
  const runs = preview.statements.length > 0;
  const after = preview.appliedAfter ? 'applied' : 'NOT applied';
  const body = [
    ...(preview.source ? [`from ${preview.source === 'file' ? 'the file as it is now' : 'the SQL recorded when the step started'}`] : []),
    runs ? `runs the ${preview.direction} SQL below (${preview.statements.length} statement${preview.statements.length === 1 ? '' : 's'}), then records ${revision} as ${after}` : `RUNS NO SQL: it records ${revision} as ${after}`,
    ...preview.warnings.map((w) => `warning: ${w}`),
    // Keys, not CLI flags: this is the TUI (esc comes back to the choices).
    ...(preview.reverseWarning ? [`warning: ${preview.reverseWarning} (press ${resolveKey()} to see which: its title names the unfinished step); if it does, undo the rest by hand, then press ${resolveKey()} and ${K.reverted} (reverted) or ${K.applied} (applied)`] : []),
    ...(preview.resumeAfter !== null ? [`  if its change is already in the database: esc, then ${K.resumeAfter} (resume after statement ${preview.resumeAfter - 1})`] : []),
    // "none found" is said too: the notice above shows only what is at risk.
    ...(runs && risks.length === 0 ? ['', ...riskLines({ dataAtRisk: [] })] : []),
    '',
    ...preview.statements.flatMap((st) => st.sql.split('\n').map((l) => `  ${l}`)),
  ];
  // Running a down, or SQL that drops, is a downgrade: the same guards (typed name, backup first).
  const destroys = resolveDestroys(preview, risks);
  const biggest = [...risks].sort((a, b) => (b.rows ?? -1) - (a.rows ?? -1));
  return confirmFlow({
    title: `Resolve ${revision} (${mode}${source ? ` from the ${source}` : ''}${resumeAt !== null ? ` at statement ${resumeAt}` : ''}) on ${session.db.databaseName}?`,
    notices: [{ title: 'DATA AT RISK', lines: risks.length > 0 ? riskLines({ dataAtRisk: biggest }).slice(1) : [], tone: 'danger' }],
    body,
    phrase: destroys ? session.db.databaseName : null,
    backup: destroys ? true : null,
    danger: destroys,
    onCancel: back,
    onConfirm: (backup) =>
      void execute(ctx, `resolve ${revision} (${mode})`, session.resolve(revision, mode, source, resumeAt), async () => (destroys ? backupFirst(ctx, backup, `before resolve ${revision} (${mode})`) : [])),
  });
}
