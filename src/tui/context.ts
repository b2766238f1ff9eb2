import { useApp } from 'ink';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { hintAt, migratedBy, recordsApplied, resolveModes } from '../engine/index.js';
import type { Flow } from './flows/index.js';
import { bindingFor, type KeyHandlers, type Scope } from './keymap.js';
import type { TuiSession } from './session.js';
import { initialView, reduce, type Action, type ViewState } from './state.js';

/**
 * What key handlers and actions work with: the session, the main screen's view state, the
 * open flow. Getters read refs, not a render's closure: Ink subscribes the new input handler
 * only after the frame is drawn, and keys can come in between (fast typing, paste, tests).
 */
export interface TuiContext {
  readonly session: TuiSession;
  readonly readOnly: boolean;
  /** The view state as of the last key (not the last render). */
  view(): ViewState;
  dispatch(action: Action): void;
  /** The open flow as of the last key. */
  flow(): Flow | null;
  setFlow(next: Flow | null | ((f: Flow | null) => Flow | null)): void;
  /** The revision selected in the history, if any. */
  selectedId(): string | null;
  selectRevision(id: string): void;
  notice(text: string): void;
  /** True (and says why) when --read-only disables `label`. */
  guard(label: string): boolean;
  /** Re-reads the history lines after the session reloaded. */
  refresh(): void;
  /** While a run is in progress the detail pane does not query the database. */
  setRunning(running: boolean): void;
  /** Leaves the TUI, saying `how`; `code` is the exit code (130 for ctrl-c, as the README's exit-code table says; 0 for q). */
  quit(how?: string, code?: number): void;
}

export interface TuiProps {
  readonly session: TuiSession;
  readonly readOnly: boolean;
  readonly listHeight: number;
  readonly onQuit: (summary: string, code?: number) => void;
  /** Opened from the fleet view: `q` comes back to the table (ctrl-c still quits). */
  readonly onLeave?: () => void;
}

/** The app's state (view, flow) with its refs, and the context built on them. */
export function useTuiContext({ session, readOnly, listHeight, onQuit, onLeave }: TuiProps) {
  const { exit } = useApp();
  const [view, dispatchToReact] = useReducer(reduce, undefined, () => initialView(session.lines.length, session.stops, listHeight));
  const [flow, setFlowState] = useState<Flow | null>(null);
  const [generation, setGeneration] = useState(0);
  const viewRef = useRef(view);
  const flowRef = useRef<Flow | null>(flow);
  const running = useRef(false);
  const dispatch = useCallback((action: Action) => {
    viewRef.current = reduce(viewRef.current, action);
    dispatchToReact(action);
  }, []);
  const setFlow = useCallback((next: Flow | null | ((f: Flow | null) => Flow | null)) => {
    flowRef.current = typeof next === 'function' ? next(flowRef.current) : next;
    setFlowState(flowRef.current);
  }, []);
  useEffect(() => dispatch({ type: 'resize', height: listHeight }), [listHeight, dispatch]);

  const ctx: TuiContext = {
    session,
    readOnly,
    view: () => viewRef.current,
    dispatch,
    flow: () => flowRef.current,
    setFlow,
    selectedId: () => session.lines[viewRef.current.selected]?.id ?? null,
    selectRevision: (id) => {
      const index = session.lines.findIndex((l) => l.id === id);
      if (index >= 0) dispatch({ type: 'move-to', index });
    },
    notice: (text) => dispatch({ type: 'notice', text }),
    guard: (label) => {
      if (!readOnly) return false;
      dispatch({ type: 'notice', text: `read-only: "${label}" is disabled (started with --read-only)` });
      return true;
    },
    refresh: () => {
      dispatch({ type: 'lines', count: session.lines.length, stops: session.stops });
      setGeneration((g) => g + 1);
    },
    setRunning: (now) => void (running.current = now),
    quit: (how = 'quit', code = 0) => {
      if (onLeave && how === 'quit') return onLeave();
      const dirty = session.state.dirty;
      onQuit(
        // The embedded default before its first write: there is no file to be "at base".
        `migrate-tui: ${how}; ${session.notCreated ? `${session.db.display} does not exist yet (nothing was created)` : `${session.db.display} is at ${session.state.versionRows.join(', ') || 'base'}`}` +
          (dirty
            ? ` and DIRTY: the ${dirty.direction} of ${dirty.revision} stopped after ${dirty.statementsDone} of ${dirty.statementsTotal} statements — run ${hintAt(`\`migrate-tui resolve ${dirty.revision} ${resolveModes(dirty.revision).replace(/ \| /g, '|')}\``, session.commandPlace)}`
            : '') +
          // First contact with a database another tool migrated: "at base" is migrate-tui's record only.
          (session.state.otherTools ?? []).filter(recordsApplied).map((r) => ` by migrate-tui's record, and ${migratedBy(r)}${r.stampTargets !== null ? `: ${hintAt(`\`migrate-tui stamp ${r.stampTargets.join(' ')}\``, session.commandPlace)} takes it over` : `: no stamp fits, ${hintAt('`migrate-tui status`', session.commandPlace)} says why and what to do`}`).join(''),
        code,
      );
      exit();
    },
  };
  return { ctx, view, flow, generation, running };
}

/** What dispatching a key needs of a screen: the --read-only guard, and whether a search is active. */
export interface KeyGuard {
  guard(label: string): boolean;
  /** The screen's state: a search is active when it has a `search` (the main screen's). */
  view(): unknown;
}

/**
 * A key on a screen with a scope: the registry names the action, the scope's handler map
 * runs it — unless the action changes something and --read-only disables it.
 */
export function runKey<S extends Scope, Args extends unknown[]>(ctx: KeyGuard, scope: S, name: string, handlers: KeyHandlers<S, Args>, ...args: Args): void {
  const binding = bindingFor(name, scope, (ctx.view() as { search?: unknown }).search != null);
  if (!binding) return;
  if (binding.mutates && ctx.guard(binding.name ?? binding.label)) return;
  handlers[binding.action](...args);
}
