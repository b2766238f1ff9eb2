import { useRef, useState } from 'react';
import { appliedHistory, isSeedStep, undoHeadTarget, type AppliedStep } from '../../engine/index.js';
import { openBackups } from '../actions/backups.js';
import { startDowngrade } from '../actions/migrate.js';
import { startResolve } from '../actions/resolve.js';
import { RollbackPane } from '../components/rollback-pane.js';
import { takeReconnected } from '../actions/run.js';
import { runKey, type TuiContext } from '../context.js';
import { errorResult } from '../flows/result.js';
import { chooseFlow } from '../flows/choose.js';
import { helpFlow } from '../flows/help.js';
import { logFlow } from '../flows/log.js';
import { keyOf, type KeyHandlers } from '../keymap.js';
import type { TuiSession } from '../session.js';

/** The on-call console (`migrate-tui rollback`): the last applied steps, and rolling them back. */

/**
 * The applied history as it is now, newest first: the steps that stand (their revision is
 * applied by them), and with `withReverted` the steps reverted since, marked as such.
 */
export function consoleSteps(session: TuiSession, withReverted: boolean): AppliedStep[] {
  return appliedHistory(session.state.log).filter((s) => withReverted || s.standing);
}

// State: the selected step and the reverted toggle, with refs for the key handlers (keys can come before the next render).
export interface RollbackSelection {
  readonly selected: number;
  readonly withReverted: boolean;
  current(): number;
  showsReverted(): boolean;
  move(update: (i: number) => number): void;
  toggleReverted(): void;
}

export function useRollbackSelection(): RollbackSelection {
  const [selected, setSelected] = useState(0);
  const [withReverted, setWithReverted] = useState(false);
  const ref = useRef({ selected: 0, withReverted: false });
  return {
    selected,
    withReverted,
    current: () => ref.current.selected,
    showsReverted: () => ref.current.withReverted,
    move: (update) => {
      ref.current.selected = update(ref.current.selected);
      setSelected(ref.current.selected);
    },
    toggleReverted: () => {
      ref.current = { selected: 0, withReverted: !ref.current.withReverted };
      setSelected(0);
      setWithReverted(ref.current.withReverted);
    },
  };
}

/** `d`: undo the latest step — of the one head, or of the head chosen when there are several. */
function rollbackLatest(ctx: TuiContext): void {
  const { session } = ctx;
  if (session.state.dirty) return startResolve(ctx);
  const heads = session.state.versionRows;
  if (heads.length <= 1) return startDowngrade(ctx, '-1');
  const { graph } = session.project;
  const options = heads.map((h, i) => ({ key: String(i + 1), label: `${h} ${graph.has(h) ? graph.get(h).message : '(files missing)'}  → downgrade ${undoHeadTarget(h)}` }));
  const intro = [`${heads.length} current heads: undoing the latest step of each is a different downgrade.`, 'Choose the head to undo (only that head is reverted; the preview comes next):'];
  ctx.setFlow(chooseFlow('Undo one step: which head?', intro, options, (index) => startDowngrade(ctx, undoHeadTarget(heads[index]!))));
}

// Keys
export function rollbackKey(ctx: TuiContext, selection: RollbackSelection, name: string): void {
  runKey(ctx, 'rollback', name, ROLLBACK_KEYS, ctx, selection);
}

/** What each `rollback` binding of the registry does. */
export const ROLLBACK_KEYS: KeyHandlers<'rollback', [TuiContext, RollbackSelection]> = {
  down: (ctx, selection) => selection.move((i) => Math.min(consoleSteps(ctx.session, selection.showsReverted()).length - 1, i + 1)),
  up: (_, selection) => selection.move((i) => Math.max(0, i - 1)),
  'rollback-latest': rollbackLatest,
  'rollback-to': (ctx, selection) => {
    if (ctx.session.state.dirty) return startResolve(ctx);
    const selected = consoleSteps(ctx.session, selection.showsReverted())[selection.current()];
    if (!selected) return;
    if (!selected.standing) return ctx.notice(`that step of ${selected.row.revision} was reverted since: choose a step that stands`);
    const step = selected.row;
    const { graph } = ctx.session.project;
    if (graph.has(step.revision) && graph.parents(step.revision).length > 1) return ctx.notice(`${step.revision} is a merge revision: roll back the latest with d, step by step`);
    startDowngrade(ctx, graph.has(step.revision) && graph.parents(step.revision).length === 0 ? 'base' : `${step.revision}-1`);
  },
  'toggle-reverted': (_, selection) => selection.toggleReverted(),
  backups: openBackups,
  resolve: startResolve,
  log: (ctx) => ctx.setFlow(logFlow()),
  help: (ctx) => ctx.setFlow(helpFlow()),
  reload: (ctx) =>
    void ctx.session.reload().then(
      () => (ctx.refresh(), ctx.notice(takeReconnected(ctx.session) ?? 'reloaded files and database state')),
      (error: unknown) => ctx.setFlow(errorResult('reload', error, ctx.session.commandPlace)),
    ),
  quit: (ctx) => ctx.quit(),
  back: () => undefined,
};

// View
export function RollbackScreen(props: { session: TuiSession; selected: number; withReverted: boolean; width: number; height: number }) {
  const { session } = props;
  const { dirty } = session.state;
  const steps = consoleSteps(session, props.withReverted);
  const hidden = props.withReverted ? 0 : consoleSteps(session, true).length - steps.length;
  const messages = new Map(session.project.graph.revisions.map((m) => [m.id, m.message]));
  // A dirty database leads with its unfinished step and the one way on: resolve. Keys from the registry.
  const k = keyOf;
  const lead = dirty
    ? [
        ...`DIRTY: the ${dirty.direction} of ${dirty.revision} ${messages.get(dirty.revision) ?? ''} did not finish (${dirty.uncertain ? `the log records ${dirty.statementsDone} of ${dirty.statementsTotal} statements as done` : `${dirty.statementsDone} of ${dirty.statementsTotal} statements ran`})${dirty.error ? `: ${dirty.error}` : ''}`.split('\n'),
        ...(dirty.uncertain ? [`statement ${dirty.uncertain.statement} may or may not have completed (no outcome was recorded: killed, the connection was lost, or its writes to the log met another session's lock${dirty.uncertain.statement < dirty.statementsTotal ? ', when later ones may have run too' : ''})`] : []),
        `press ${k('resolve')} to resolve it (${isSeedStep(dirty.revision) ? 'resume / applied / reverted: a seed has no down SQL' : 'resume / reverse / applied / reverted'}); nothing can be rolled back until then`,
      ]
    : [];
  const warnings = [
    ...session.state.drift.map((d) => `DRIFT: ${d.revision} changed since it was applied (${d.cosmetic ? 'comments/white space' : 'SQL differs'})`),
    ...session.state.missing.map((m) => `MISSING FILES: ${m.revision} is applied but its files are gone (reverted from the stored down SQL)`),
    ...(session.state.versionRows.length > 1 ? [`${session.state.versionRows.length} current heads: ${session.state.versionRows.join(', ')} — ${k('rollback-latest')} asks which one to undo`] : []),
  ];
  const footer = dirty
    ? `${k('resolve')}: resolve the dirty step · ${k('backups')}: backups · ${k('reload')}: reload · ${k('quit')}: quit`
    : `${k('rollback-latest')}: roll back the latest step · ${k('rollback-to')}: roll back to before the selected step · ${k('toggle-reverted')}: ${props.withReverted ? 'hide' : 'show'} reverted steps${hidden > 0 ? ` (${hidden})` : ''} · ${k('backups')}: backups · ${k('quit')}: quit`;
  return <RollbackPane steps={steps} selected={Math.min(props.selected, Math.max(0, steps.length - 1))} lead={lead} warnings={warnings} messages={messages} footer={footer} width={props.width} height={props.height} />;
}
