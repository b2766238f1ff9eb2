import { openBackups } from '../actions/backups.js';
import { startMerge, startNewRevision } from '../actions/files.js';
import { startDowngrade, startStamp, startUpgrade } from '../actions/migrate.js';
import { startResolve } from '../actions/resolve.js';
import { openVerify } from '../actions/verify.js';
import { takeReconnected } from '../actions/run.js';
import { runKey, type TuiContext } from '../context.js';
import { errorResult } from '../flows/result.js';
import { helpFlow } from '../flows/help.js';
import { logFlow } from '../flows/log.js';
import { NOT_TEXT } from '../flows/flow.js';
import type { KeyHandlers } from '../keymap.js';

/** The main screen's keys: the search line, the focused detail pane, and the registry's `browse` bindings. */
export function browseKey(ctx: TuiContext, name: string, input: string, key: { ctrl?: boolean; meta?: boolean }): void {
  const { mode, notice } = ctx.view();
  if (mode.kind === 'search') {
    if (name === 'escape') return ctx.dispatch({ type: 'mode', mode: { kind: 'browse' } });
    if (name === 'enter') return ctx.dispatch({ type: 'search-done', matches: ctx.session.search(mode.query) });
    if (name === 'backspace') return ctx.dispatch({ type: 'search-erase' });
    if (input && !key.ctrl && !key.meta && !NOT_TEXT.includes(name)) ctx.dispatch({ type: 'search-type', text: input });
    return;
  }
  if (mode.kind === 'detail') return detailKey(ctx, name);
  if (notice) ctx.dispatch({ type: 'notice', text: null });
  runKey(ctx, 'browse', name, BROWSE_KEYS, ctx);
}

const DETAIL_SCROLL = new Map([
  ['j', 1],
  ['down', 1],
  ['k', -1],
  ['up', -1],
  ['ctrl-d', 10],
  ['pagedown', 10],
  ['ctrl-u', -10],
  ['pageup', -10],
]);

/** The detail pane focused (enter): it scrolls; esc, enter or q gives the focus back. */
function detailKey(ctx: TuiContext, name: string): void {
  if (name === 'escape' || name === 'enter' || name === 'q') return ctx.dispatch({ type: 'mode', mode: { kind: 'browse' } });
  const by = DETAIL_SCROLL.get(name);
  if (by !== undefined) return ctx.dispatch({ type: 'scroll-detail', by });
  if (name === 'tab') return ctx.dispatch({ type: 'tab' });
}

/** With a revision selected. */
const withSelected = (ctx: TuiContext, then: (id: string) => void) => {
  const id = ctx.selectedId();
  if (id) then(id);
};

/** What each `browse` binding of the registry does. */
export const BROWSE_KEYS: KeyHandlers<'browse', [TuiContext]> = {
  down: (ctx) => ctx.dispatch({ type: 'move', by: 1 }),
  up: (ctx) => ctx.dispatch({ type: 'move', by: -1 }),
  top: (ctx) => ctx.dispatch({ type: 'move-to', index: 0 }),
  bottom: (ctx) => ctx.dispatch({ type: 'move-to', index: ctx.session.lines.length - 1 }),
  'page-down': (ctx) => ctx.dispatch({ type: 'page', direction: 1 }),
  'page-up': (ctx) => ctx.dispatch({ type: 'page', direction: -1 }),
  search: (ctx) => ctx.dispatch({ type: 'mode', mode: { kind: 'search', query: '' } }),
  'next-match': (ctx) => ctx.dispatch({ type: 'match', direction: 1 }),
  'prev-match': (ctx) => ctx.dispatch({ type: 'match', direction: -1 }),
  tab: (ctx) => ctx.dispatch({ type: 'tab' }),
  focus: (ctx) => ctx.dispatch({ type: 'mode', mode: { kind: 'detail' } }),
  raw: (ctx) => ctx.dispatch({ type: 'toggle-raw' }),
  trial: (ctx) => (['schema', 'diff'].includes(ctx.view().tab) ? ctx.dispatch({ type: 'trial' }) : ctx.notice('t rehearses on the diff and schema tabs: press tab until one shows')),
  log: (ctx) => ctx.setFlow(logFlow()),
  help: (ctx) => ctx.setFlow(helpFlow()),
  upgrade: (ctx) => withSelected(ctx, (id) => startUpgrade(ctx, id)),
  'upgrade-heads': (ctx) => startUpgrade(ctx, 'heads'),
  downgrade: (ctx) => withSelected(ctx, (id) => startDowngrade(ctx, id)),
  stamp: (ctx) => withSelected(ctx, (id) => startStamp(ctx, id)),
  merge: startMerge,
  new: startNewRevision,
  resolve: startResolve,
  backups: openBackups,
  verify: (ctx) => openVerify(ctx, null),
  'verify-one': (ctx) => withSelected(ctx, (id) => openVerify(ctx, id)),
  // A read that fails (the connection lost and the server not back, a locked table) is shown: it ended the TUI with exit 70.
  reload: (ctx) =>
    void ctx.session.reload().then(
      () => {
        ctx.refresh();
        ctx.notice(takeReconnected(ctx.session) ?? 'reloaded files and database state');
      },
      (error: unknown) => ctx.setFlow(errorResult('reload', error, ctx.session.commandPlace)),
    ),
  quit: (ctx) => ctx.quit(),
  // esc ends an active search: n creates a revision again.
  back: (ctx) => (ctx.view().search ? ctx.dispatch({ type: 'search-clear' }) : undefined),
};
