import { Box } from 'ink';
import { StatusBar } from './components/status-bar.js';
import { isStale } from '../engine/index.js';
import { useTuiContext } from './context.js';
import { cancelRun } from './actions/run.js';
import { FlowView, flowKey, flowTyping } from './flows/index.js';
import type { Scope } from './keymap.js';
import { useKeys, type KeyRoute } from './use-keys.js';
import { browseKey } from './screens/browse-keys.js';
import { BrowseScreen, useDetail, useLintMarks } from './screens/browse.js';
import { RollbackScreen, rollbackKey, useRollbackSelection } from './screens/rollback.js';
import type { TuiSession } from './session.js';
import { listHeightOf } from './history-text.js';
import { otherToolNotice } from './tui-hints.js';

export type { Flow } from './flows/index.js';

export interface AppProps {
  readonly session: TuiSession;
  readonly width: number;
  readonly height: number;
  readonly readOnly: boolean;
  /** `rollback`: the on-call console — the last applied steps and nothing else. */
  readonly variant?: 'main' | 'rollback';
  /** Called with a one-line summary when the user quits. */
  readonly onQuit: (summary: string, code?: number) => void;
  /** A second ctrl-c while a run is cancelling: leave at once (run-tui restores the terminal and exits 130). */
  readonly onAbandon?: (message: string) => void;
  /** Opened from the fleet view: `q` comes back to the table instead of quitting. */
  readonly onLeave?: () => void;
  /** Opened from the fleet view: its input subscription calls this screen's key handling. */
  readonly keysTo?: { current: KeyRoute | null };
}

/**
 * The router: the main screen (or the rollback console) with its status bar, or the open
 * flow over it. A key goes to the open flow, else to the screen; each flow and screen keeps
 * its own key handling (src/tui/flows, src/tui/screens).
 */
export function App({ session, width, height, readOnly, onQuit, onAbandon, onLeave, keysTo, variant = 'main' }: AppProps) {
  const listHeight = listHeightOf(height);
  const { ctx, view, flow, generation, running } = useTuiContext({ session, readOnly, listHeight, onQuit, ...(onLeave ? { onLeave } : {}) });
  const rollback = useRollbackSelection();
  const detail = useDetail(session, view, generation, running);
  const lintMarks = useLintMarks(session, generation);

  // One input subscription for every flow and screen; it reads the refs behind `ctx`. Hosted
  // by the fleet view, the host's subscription hands the keys over from this very render on
  // (a subscription of our own would start only after the frame, and miss keys typed at once).
  const typing = () => {
    const open = ctx.flow();
    return open ? flowTyping(open) : variant === 'main' && ctx.view().mode.kind === 'search';
  };
  if (keysTo) keysTo.current = { typing, handle: handleKey };
  useKeys(typing, handleKey, !keysTo);

  function handleKey(name: string, input: string, key: { ctrl?: boolean; meta?: boolean }) {
    const open = ctx.flow();
    if (name === 'ctrl-c' && open?.kind === 'running') return cancelRun(ctx, open, onAbandon ?? ((message) => ctx.quit(message, 130)));
    // A verify run drops its scratch databases before the matrix closes: ctrl-c stops it like esc.
    if (name === 'ctrl-c' && open?.kind === 'verify' && open.report === null && open.error === null) return ctx.setFlow(flowKey(open, { name: 'escape', input: '' }) ?? null);
    // Ctrl-C quits with 130, as the README's exit-code table gives ctrl-c (q quits with 0).
    if (name === 'ctrl-c') return ctx.quit('interrupted (ctrl-c)', 130);
    if (open) {
      const next = flowKey(open, { name, input });
      return next === undefined ? undefined : ctx.setFlow(next);
    }
    if (variant === 'rollback') return rollbackKey(ctx, rollback, name);
    browseKey(ctx, name, input, key);
  }

  const scope: Scope = variant === 'rollback' ? 'rollback' : view.mode.kind === 'search' ? 'search' : 'browse';
  const search =
    view.mode.kind === 'search'
      ? `/${view.mode.query}▏  (enter searches, esc cancels)`
      : view.search && !view.notice
        ? `search: ${view.search.query} — n/N next/previous match · esc clears`
        : null;
  return (
    <Box flexDirection="column" width={width} height={height - 1}>
      {flow ? (
        <FlowView flow={flow} width={width} height={height - 1} readOnly={readOnly} session={session} />
      ) : variant === 'rollback' ? (
        <RollbackScreen session={session} selected={rollback.selected} withReverted={rollback.withReverted} width={width} height={listHeight + 1} />
      ) : (
        <BrowseScreen session={session} view={view} detail={detail} width={width} listHeight={listHeight} lintMarks={lintMarks} />
      )}
      {flow ? null : (
        <StatusBar
          database={session.db.display}
          dialect={session.db.syntax.name}
          heads={session.state.versionRows}
          missing={session.state.missing.map((m) => m.revision)}
          pending={session.state.pending.length}
          dirty={session.state.dirty !== null}
          lock={session.lease ? (isStale(session.lease) ? 'stale' : 'held') : null}
          notCreated={session.notCreated}
          otherTool={otherToolNotice(session.state.otherTools, session.commandPlace)}
          readOnly={readOnly}
          scope={scope}
          notice={search ?? view.notice}
          width={width}
        />
      )}
    </Box>
  );
}
