import { useApp } from 'ink';
import { join } from 'node:path';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { eachPerServer, inspectTarget, targetErrorText, type Fleet, type FleetTarget, type Migrator, type TargetAccess } from '../../engine/index.js';
import type { Flow } from '../flows/index.js';
import { TuiSession } from '../session.js';
import { initialFleetView, reduceFleet, type FleetAction, type FleetView } from './fleet-state.js';

/**
 * What the fleet view opens on (the CLI builds it from --targets and the config): how to reach
 * each target, as one database gets it. Without --steal-stale-lock a target whose lease is
 * stale fails naming the holder; its own view (enter) offers the typed takeover.
 */
export interface FleetTuiOptions extends TargetAccess {
  readonly fleet: Fleet;
  /** Each target's backups go into a folder named after it under this one (as the CLI's). */
  readonly backupRoot: string;
  readonly readOnly: boolean;
  /** At most this many targets at once per server: reading and running. */
  readonly parallel: number;
  readonly continueOnError: boolean;
  /** The file given to --targets (null or absent: the default file): the commands in a target's hint name it. */
  readonly targetsFile?: string | null;
}

/** What a target's error hint names it by (`--targets [file] --only <name>`). */
export const namedTarget = (options: FleetTuiOptions, target: FleetTarget) => ({ name: target.name, targetsFile: options.targetsFile ?? null });

/** How often rows read or advanced by a run are drawn (Ink draws the whole table each time: ~15 ms for 40 rows here). */
const FRAME_MS = 200;

/** A fleet action in progress: the Migrators running (ctrl-c cancels them), whether it stops, and its end. */
export interface FleetRuns {
  readonly migrators: Map<string, Migrator>;
  stopping: boolean;
  done: Promise<void> | null;
}

/**
 * What the fleet view's keys and actions work with. Getters read refs, not a render's
 * closure: keys can come before the next frame (fast typing, paste, tests).
 */
export interface FleetContext {
  readonly options: FleetTuiOptions;
  readonly access: TargetAccess;
  view(): FleetView;
  dispatch(action: FleetAction): void;
  flow(): Flow | null;
  setFlow(next: Flow | null | ((f: Flow | null) => Flow | null)): void;
  notice(text: string): void;
  /** True (and says why) when --read-only disables `label`. */
  guard(label: string): boolean;
  /** Reads the targets' state again (all, or those named): plain reads, `parallel` per server. */
  read(targets?: readonly FleetTarget[]): Promise<void>;
  /** `enter`: the one-database view of a target. */
  open(target: FleetTarget): void;
  /** The Migrators of a fleet action in progress (ctrl-c cancels them), and whether it is stopping. */
  readonly runs: FleetRuns;
  quit(how?: string, code?: number): void;
}

/** What the process around the screen needs: the open one-database session (closed on exit, cancelled on SIGTERM). */
export interface FleetHandle {
  session: TuiSession | null;
  ctx: FleetContext | null;
}

export function useFleetContext(options: FleetTuiOptions, listHeight: number, onQuit: (summary: string, code?: number) => void, handle: FleetHandle) {
  const { exit } = useApp();
  // The view's state lives in a ref (keys and actions read it between frames); React draws it.
  const viewRef = useRef<FleetView | null>(null);
  viewRef.current ??= initialFleetView(options.fleet.targets, listHeight);
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const pendingFrame = useRef<NodeJS.Timeout | null>(null);
  const [flow, setFlowState] = useState<Flow | null>(null);
  const flowRef = useRef<Flow | null>(null);
  const [open, setOpen] = useState<{ session: TuiSession; target: FleetTarget } | null>(null);
  const runs = useRef<FleetRuns>({ migrators: new Map<string, Migrator>(), stopping: false, done: null }).current;
  const dispatch = useCallback((action: FleetAction) => {
    viewRef.current = reduceFleet(viewRef.current!, action);
    // Rows read or advanced by the runs come many at once (200 targets end their reads within
    // a few seconds): drawn one frame per FRAME_MS, not a whole table per row. In CPU profiles
    // of filling 200 rows, drawing took 1.7 s at one frame per 50 ms, 0.5–0.6 s at 200 ms.
    // Keys and everything else draw at once (with what is pending).
    if (action.type === 'read' || action.type === 'run-target') {
      pendingFrame.current ??= setTimeout(() => {
        pendingFrame.current = null;
        redraw();
      }, FRAME_MS);
      return;
    }
    if (pendingFrame.current) clearTimeout(pendingFrame.current);
    pendingFrame.current = null;
    redraw();
  }, []);
  useEffect(() => () => void (pendingFrame.current && clearTimeout(pendingFrame.current)), []);
  const setFlow = useCallback((next: Flow | null | ((f: Flow | null) => Flow | null)) => {
    flowRef.current = typeof next === 'function' ? next(flowRef.current) : next;
    setFlowState(flowRef.current);
  }, []);
  const access: TargetAccess = { project: options.project, tables: options.tables, toolVersion: options.toolVersion, lockTimeoutMs: options.lockTimeoutMs, ...(options.lockLimits ? { lockLimits: options.lockLimits } : {}), ...(options.lease ? { lease: options.lease } : {}), stealStaleLock: options.stealStaleLock ?? false };

  const ctx: FleetContext = {
    options,
    access,
    view: () => viewRef.current!,
    dispatch,
    flow: () => flowRef.current,
    setFlow,
    notice: (text) => dispatch({ type: 'notice', text }),
    guard: (label) => {
      if (!options.readOnly) return false;
      dispatch({ type: 'notice', text: `read-only: "${label}" is disabled (started with --read-only)` });
      return true;
    },
    read: async (targets = options.fleet.targets) => {
      dispatch({ type: 'reading', names: targets.map((t) => t.name) });
      await eachPerServer(targets, options.parallel, async (target) => {
        try {
          dispatch({ type: 'read', name: target.name, read: { kind: 'ready', state: await inspectTarget(target.connection, access) } });
        } catch (error) {
          dispatch({ type: 'read', name: target.name, read: { kind: 'error', message: targetErrorText(error, target.connection, namedTarget(options, target)) } });
        }
      });
    },
    open: (target) => {
      if (viewRef.current!.running) return ctx.notice('a fleet action is running: wait for it to end (ctrl-c cancels it)');
      ctx.notice(`opening ${target.name}…`);
      TuiSession.open({ dir: options.project.dir, target: target.connection, tables: options.tables, toolVersion: options.toolVersion, lockTimeoutMs: options.lockTimeoutMs, backupDir: join(options.backupRoot, target.name), readOnly: options.readOnly, project: options.project, ...(options.lockLimits ? { lockLimits: options.lockLimits } : {}), ...(options.lease ? { lease: options.lease } : {}), stealStaleLock: options.stealStaleLock ?? false })
        .then((opened) => {
          dispatch({ type: 'notice', text: null });
          handle.session = opened;
          setOpen({ session: opened, target });
        })
        .catch((error) => ctx.notice(`cannot open ${target.name}: ${targetErrorText(error, target.connection, namedTarget(options, target))}`));
    },
    runs,
    quit: (how = 'quit', code = 0) => {
      const c = viewRef.current!.rows;
      const behind = c.filter((r) => r.read.kind === 'ready' && r.read.state.pending > 0).length;
      const failed = c.filter((r) => r.read.kind === 'error').length;
      onQuit(`migrate-tui: ${how}; fleet ${options.fleet.origin}: ${c.length} target${c.length === 1 ? '' : 's'}, ${behind} with pending revisions${failed ? `, ${failed} could not be read` : ''} when last read`, code);
      exit();
    },
  };

  // The states are read once the table is on screen.
  useEffect(() => void ctx.read(), []);
  useEffect(() => dispatch({ type: 'resize', height: listHeight }), [listHeight, dispatch]);

  /** Back from a target's one-database view: it closes, and that target is read again. */
  const leave = () => {
    if (!open) return;
    setOpen(null);
    handle.session = null;
    void open.session.close().finally(() => void ctx.read([open.target]));
  };
  handle.ctx = ctx;
  return { ctx, view: viewRef.current, flow, session: open?.session ?? null, leave };
}
