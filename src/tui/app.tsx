import { Box, Text, useApp, useInput } from 'ink';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { previewText, riskLines, type BackupManifest, type LogRow, type ResolveMode, type RunEvent, type RunResult } from '../engine/index.js';
import { DetailPane } from './components/detail-pane.js';
import { BackupsView, ChoiceList, CommandLog, HelpOverlay, Panel, ProgressView, TypedConfirm } from './components/dialogs.js';
import { HistoryPane } from './components/history-pane.js';
import { RollbackPane } from './components/rollback-pane.js';
import { StatusBar } from './components/status-bar.js';
import { bindingFor, keyName, splitKeys, type Scope } from './keymap.js';
import type { TuiSession } from './session.js';
import { initialView, reduce } from './state.js';

/** What covers the main screen, if anything: one flow at a time. */
export type Flow =
  | null
  | { kind: 'busy'; title: string }
  | { kind: 'help'; scroll: number }
  | { kind: 'log'; scroll: number }
  | { kind: 'backups'; list: BackupManifest[]; selected: number }
  | { kind: 'choose'; title: string; intro: string[]; options: Array<{ key: string; label: string }>; selected: number; onChoose: (index: number) => void }
  | { kind: 'confirm'; title: string; body: string[]; scroll: number; phrase: string | null; input: string; backup: boolean | null; danger: boolean; onConfirm: (backup: boolean) => void }
  | { kind: 'prompt'; title: string; labels: string[]; values: string[]; field: number; onSubmit: (values: string[]) => void }
  | { kind: 'running'; title: string; step: string; stepIndex: number; stepTotal: number; statement: number; statementTotal: number; sql: string; started: number }
  | { kind: 'result'; ok: boolean; title: string; body: string[]; scroll: number };

export interface AppProps {
  readonly session: TuiSession;
  readonly width: number;
  readonly height: number;
  readonly readOnly: boolean;
  /** `rollback`: the on-call console — the last applied steps and nothing else. */
  readonly variant?: 'main' | 'rollback';
  /** Called with a one-line summary when the user quits. */
  readonly onQuit: (summary: string) => void;
}

/** The main screen: history | detail, a status bar, and the flows of every action. */
export function App({ session, width, height, readOnly, onQuit, variant = 'main' }: AppProps) {
  const { exit } = useApp();
  const listHeight = Math.max(3, height - 4);
  const [view, dispatchToReact] = useReducer(reduce, undefined, () => initialView(session.lines.length, session.stops, listHeight));
  const [flow, setFlowState] = useState<Flow>(null);
  // Key handlers read these, not the render's closure: Ink subscribes the new handler only
  // after the frame is drawn, and keys can come in between (fast typing, paste, tests).
  const viewRef = useRef(view);
  const flowRef = useRef<Flow>(flow);
  const dispatch = useCallback((action: Parameters<typeof reduce>[1]) => {
    viewRef.current = reduce(viewRef.current, action);
    dispatchToReact(action);
  }, []);
  const setFlow = useCallback((next: Flow | ((f: Flow) => Flow)) => {
    flowRef.current = typeof next === 'function' ? next(flowRef.current) : next;
    setFlowState(flowRef.current);
  }, []);
  const [detail, setDetail] = useState<string[] | null>(null);
  const [generation, setGeneration] = useState(0);
  const running = useRef(false);
  const [rollbackSelected, setRollbackSelectedState] = useState(0);
  const rollbackRef = useRef(0);
  const setRollbackSelected = (update: (i: number) => number) => {
    rollbackRef.current = update(rollbackRef.current);
    setRollbackSelectedState(rollbackRef.current);
  };
  const appliedSteps = appliedStepsOf(session);

  useEffect(() => dispatch({ type: 'resize', height: listHeight }), [listHeight, dispatch]);
  const refresh = useCallback(() => {
    dispatch({ type: 'lines', count: session.lines.length, stops: session.stops });
    setGeneration((g) => g + 1);
  }, [session]);

  const selectedId = session.lines[view.selected]?.id ?? null;
  useEffect(() => {
    let live = true;
    if (!selectedId || running.current) return;
    setDetail(null);
    session
      .detail(selectedId, view.tab, view.raw)
      .then((lines) => live && setDetail(lines))
      .catch((error: Error) => live && setDetail([`cannot show this: ${error.message}`]));
    return () => {
      live = false;
    };
  }, [session, selectedId, view.tab, view.raw, generation]);

  const quit = (how = 'quit') => {
    onQuit(`migrate-tui: ${how}; ${session.db.display} is at ${session.state.versionRows.join(', ') || 'base'}`);
    exit();
  };

  /** Runs an engine action with the progress view, then shows its result. */
  const execute = async (title: string, action: () => Promise<RunResult>, before?: () => Promise<string[]>) => {
    running.current = true;
    setFlow({ kind: 'running', title, step: 'starting', stepIndex: 0, stepTotal: 0, statement: 0, statementTotal: 0, sql: '', started: Date.now() });
    let pre: string[] = [];
    try {
      if (before) pre = await before();
    } catch (error) {
      running.current = false;
      setFlow(errorResult(title, error));
      return;
    }
    const onEvent = (event: RunEvent) =>
      setFlow((f) => {
        if (!f || f.kind !== 'running') return f;
        switch (event.type) {
          case 'lock-wait':
            return { ...f, step: `waiting for the lock${event.holder ? ` (${event.holder})` : ''}` };
          case 'step-start':
            return { ...f, step: `${event.direction === 'up' ? '↑' : '↓'} ${event.revision} ${event.message}`, stepIndex: event.index, stepTotal: event.total, statement: 0, statementTotal: event.statements, sql: '' };
          case 'statement-start':
            return { ...f, statement: event.index + 1, statementTotal: event.total, sql: event.sql };
          default:
            return f;
        }
      });
    const result = await session.run(action, onEvent);
    running.current = false;
    refresh();
    if ('steps' in result) {
      const done = result.steps.filter((s) => s.status === 'done');
      const body = [
        ...pre,
        ...result.steps.map((s) => `${s.status === 'done' ? '✓' : s.status === 'failed' ? '✗' : '·'} ${s.direction === 'up' ? '↑' : '↓'} ${s.revision}  ${s.status}${s.status === 'done' ? `  ${s.durationMs} ms` : ''}`),
        '',
        `now at: ${result.headsAfter.join(', ') || 'base'}`,
      ];
      if (result.error) setFlow({ kind: 'result', ok: false, title: `${title}: FAILED`, body: [...result.error.message.split('\n'), `→ ${result.error.hint}`, '', ...body], scroll: 0 });
      else setFlow({ kind: 'result', ok: true, title: `${title}: done (${done.length} step${done.length === 1 ? '' : 's'})`, body, scroll: 0 });
    } else setFlow(errorResult(title, result.error));
  };

  const guard = (label: string) => {
    if (!readOnly) return false;
    dispatch({ type: 'notice', text: `read-only: "${label}" is disabled (started with --read-only)` });
    return true;
  };

  const startUpgrade = (target: string) => {
    try {
      const steps = session.planUpgrade(target);
      if (steps.length === 0) return dispatch({ type: 'notice', text: `nothing to upgrade: ${target} is already applied` });
      const body = [`upgrade ${session.db.display} to ${target}: ${steps.length} revision${steps.length === 1 ? '' : 's'}, in this order`];
      for (const [i, s] of steps.entries()) {
        body.push('', `[${i + 1}/${steps.length}] ↑ ${s.revision} ${s.message}${s.path ? ` (${s.path})` : ''}`);
        for (const st of s.statements) body.push(...st.sql.split('\n').map((l) => `  ${l}`));
      }
      setFlow({ kind: 'confirm', title: `Upgrade to ${target}?`, body, scroll: 0, phrase: null, input: '', backup: null, danger: false, onConfirm: () => void execute(`upgrade to ${target}`, session.upgrade(target)) });
    } catch (error) {
      setFlow(errorResult(`upgrade to ${target}`, error));
    }
  };

  const startDowngrade = (target: string) => {
    setFlow({ kind: 'busy', title: `preparing the downgrade to ${target}…` });
    session
      .downgradePreview(target)
      .then((preview) => {
        if (preview.steps.length === 0) {
          setFlow(null);
          return dispatch({ type: 'notice', text: `nothing to downgrade: the database is already at ${target}` });
        }
        // What it destroys comes first: it must be seen without scrolling.
        const risks = riskLines(preview);
        const text = previewText(preview).trimEnd().split('\n');
        setFlow({
          kind: 'confirm',
          title: `Downgrade ${session.db.databaseName} to ${target}?`,
          body: [...risks, '', ...text.slice(0, text.length - risks.length)],
          scroll: 0,
          phrase: preview.destructive ? session.db.databaseName : null,
          input: '',
          backup: true,
          danger: preview.destructive,
          onConfirm: (backup) =>
            void execute(`downgrade to ${target}`, session.downgrade(target), async () => {
              if (!backup) return ['NO BACKUP was taken'];
              const manifest = await session.backup(`before downgrade to ${target}`);
              return [`backup: ${manifest.file}`];
            }),
        });
      })
      .catch((error) => setFlow(errorResult(`downgrade to ${target}`, error)));
  };

  const startStamp = (target: string) => {
    try {
      const { removed, added } = session.stampChanges(target);
      if (removed.length === 0 && added.length === 0) return dispatch({ type: 'notice', text: `nothing to stamp: the database is already at ${target}` });
      const body = [
        'STAMP RUNS NO SQL: it only records what is applied.',
        '',
        ...added.map((id) => `  + mark ${id} as applied`),
        ...removed.map((id) => `  - mark ${id} as NOT applied`),
      ];
      setFlow({ kind: 'confirm', title: `Stamp ${session.db.databaseName} to ${target}?`, body, scroll: 0, phrase: removed.length > 0 ? session.db.databaseName : null, input: '', backup: null, danger: removed.length > 0, onConfirm: () => void execute(`stamp ${target}`, session.stamp(target)) });
    } catch (error) {
      setFlow(errorResult(`stamp ${target}`, error));
    }
  };

  /** The four ways out of a dirty state (DESIGN §4), each previewed before it runs. */
  const startResolve = () => {
    const dirty = session.state.dirty;
    if (!dirty) return dispatch({ type: 'notice', text: 'nothing to resolve: the database is not dirty' });
    const modes: Array<{ mode: ResolveMode; key: string; label: string }> = [
      { mode: 'resume', key: 'r', label: `resume: run the ${dirty.statementsTotal - dirty.statementsDone} statement(s) that did not run` },
      { mode: 'reverse', key: 'v', label: `reverse: run the ${dirty.direction === 'up' ? 'down' : 'up'} SQL of ${dirty.revision} as a new step` },
      { mode: 'applied', key: 'a', label: `applied: record ${dirty.revision} as applied (you finished it by hand); no SQL` },
      { mode: 'reverted', key: 'x', label: `reverted: record ${dirty.revision} as NOT applied (you undid it by hand); no SQL` },
    ];
    setFlow({
      kind: 'choose',
      title: `Resolve the unfinished ${dirty.direction} of ${dirty.revision}`,
      intro: [
        `${dirty.statementsDone} of ${dirty.statementsTotal} statements ran${dirty.error ? `; it stopped on: ${dirty.error}` : ''}`,
        ...dirty.ranStatements.map((sql, i) => `  ${i + 1}. ${sql.split('\n')[0]}`),
      ],
      options: modes.map(({ key, label }) => ({ key, label })),
      selected: 0,
      onChoose: (index) => confirmResolve(dirty.revision, modes[index]!.mode),
    });
  };

  const confirmResolve = (revision: string, mode: ResolveMode) => {
    try {
      const preview = session.resolvePreview(mode);
      const runs = preview.statements.length > 0;
      const body = [
        runs
          ? `runs the ${preview.direction} SQL below (${preview.statements.length} statement${preview.statements.length === 1 ? '' : 's'}), then records ${revision} as ${preview.appliedAfter ? 'applied' : 'NOT applied'}`
          : `RUNS NO SQL: it records ${revision} as ${preview.appliedAfter ? 'applied' : 'NOT applied'}`,
        ...preview.warnings.map((w) => `warning: ${w}`),
        '',
        ...preview.statements.flatMap((st) => st.sql.split('\n').map((l) => `  ${l}`)),
      ];
      // Running a down is a downgrade: the same guards (typed name, backup first).
      const destroys = runs && preview.direction === 'down';
      setFlow({
        kind: 'confirm',
        title: `Resolve ${revision} (--${mode}) on ${session.db.databaseName}?`,
        body,
        scroll: 0,
        phrase: destroys ? session.db.databaseName : null,
        input: '',
        backup: destroys ? true : null,
        danger: destroys,
        onConfirm: (backup) =>
          void execute(`resolve ${revision} --${mode}`, session.resolve(revision, mode), async () => {
            if (!destroys) return [];
            if (!backup) return ['NO BACKUP was taken'];
            return [`backup: ${(await session.backup(`before resolve ${revision} --${mode}`)).file}`];
          }),
      });
    } catch (error) {
      setFlow(errorResult(`resolve ${revision}`, error));
    }
  };

  const startMerge = () => {
    const heads = session.project.graph.heads();
    if (heads.length < 2) return dispatch({ type: 'notice', text: `nothing to merge: there is ${heads.length === 1 ? 'one head' : 'no head'}` });
    setFlow({
      kind: 'confirm',
      title: `Merge ${heads.length} heads?`,
      body: ['writes a merge revision (a new .up.sql/.down.sql pair) that revises:', ...heads.map((h) => `  ${h} ${session.project.graph.get(h).message}`), '', 'no SQL runs; upgrade afterwards to record it'],
      scroll: 0,
      phrase: null,
      input: '',
      backup: null,
      danger: false,
      onConfirm: () => {
        try {
          const written = session.merge();
          void session.reload().then(() => {
            refresh();
            selectRevision(written.id);
            setFlow({ kind: 'result', ok: true, title: `merge revision ${written.id} written`, body: [written.upPath, written.downPath, '', ...session.project.graph.get(written.id).up.text.split('\n')], scroll: 0 });
          });
        } catch (error) {
          setFlow(errorResult('merge', error));
        }
      },
    });
  };

  const startNewRevision = () =>
    setFlow({
      kind: 'prompt',
      title: 'New revision',
      labels: ['message', 'branch label (optional)'],
      values: ['', ''],
      field: 0,
      onSubmit: ([message, branch]) => {
        try {
          const written = session.newRevision(message!, branch!.trim());
          void session.reload().then(() => {
            refresh();
            selectRevision(written.id);
            setFlow({ kind: 'result', ok: true, title: `revision ${written.id} written`, body: [written.upPath, written.downPath, '', `revises ${written.revises.join(', ') || 'base'}`], scroll: 0 });
          });
        } catch (error) {
          setFlow(errorResult('new revision', error));
        }
      },
    });

  const selectRevision = (id: string) => {
    const index = session.lines.findIndex((l) => l.id === id);
    if (index >= 0) dispatch({ type: 'move-to', index });
  };

  const scope: Scope = flow ? (flow.kind === 'confirm' || flow.kind === 'prompt' ? 'confirm' : 'overlay') : variant === 'rollback' ? 'rollback' : view.mode.kind === 'search' ? 'search' : 'browse';

  const rollbackKey = (name: string) => {
    const binding = bindingFor(name, 'rollback');
    if (!binding) return;
    if (binding.mutates && guard(binding.label)) return;
    switch (binding.id) {
      case 'down':
        return setRollbackSelected((i) => Math.min(appliedStepsOf(session).length - 1, i + 1));
      case 'up':
        return setRollbackSelected((i) => Math.max(0, i - 1));
      case 'rollback-latest':
        return startDowngrade('-1');
      case 'rollback-to': {
        const step = appliedStepsOf(session)[rollbackRef.current];
        if (!step) return;
        const { graph } = session.project;
        if (graph.has(step.revision) && graph.parents(step.revision).length > 1) {
          return dispatch({ type: 'notice', text: `${step.revision} is a merge revision: roll back the latest with d, step by step` });
        }
        return startDowngrade(graph.has(step.revision) && graph.parents(step.revision).length === 0 ? 'base' : `${step.revision}-1`);
      }
      case 'backups':
        return setFlow({ kind: 'backups', list: session.backups(), selected: 0 });
      case 'resolve':
        return startResolve();
      case 'log':
        return setFlow({ kind: 'log', scroll: 0 });
      case 'help':
        return setFlow({ kind: 'help', scroll: 0 });
      case 'reload':
        return void session.reload().then(refresh);
      case 'quit':
        return quit();
      default:
        return;
    }
  };

  useInput((input, key) => {
    const f = flowRef.current;
    const typing = f?.kind === 'prompt' || (f?.kind === 'confirm' && f.phrase !== null) || viewRef.current.mode.kind === 'search';
    if (!typing && !key.ctrl && !key.meta) {
      const keys = splitKeys(input);
      if (keys.length > 1) return keys.forEach((k) => handleKey(k, {}));
    }
    handleKey(input, key);
  });

  function handleKey(input: string, key: Parameters<typeof keyName>[1] & { meta?: boolean }) {
    const flow = flowRef.current;
    const view = viewRef.current;
    const selectedId = session.lines[view.selected]?.id ?? null;
    const name = keyName(input, key);
    if (name === 'ctrl-c') return quit('interrupted (ctrl-c)');
    if (flow) return flowKey(flow, name, input);
    if (variant === 'rollback') return rollbackKey(name);
    if (view.mode.kind === 'search') {
      if (name === 'escape') return dispatch({ type: 'mode', mode: { kind: 'browse' } });
      if (name === 'enter') return dispatch({ type: 'search-done', matches: session.search(view.mode.query) });
      if (name === 'backspace') return dispatch({ type: 'search-erase' });
      if (input && !key.ctrl && !key.meta && !['tab', 'enter', 'escape', 'backspace', 'up', 'down', 'left', 'right'].includes(name)) dispatch({ type: 'search-type', text: input });
      return;
    }
    if (view.mode.kind === 'detail') {
      if (name === 'escape' || name === 'enter' || name === 'q') return dispatch({ type: 'mode', mode: { kind: 'browse' } });
      if (name === 'j' || name === 'down') return dispatch({ type: 'scroll-detail', by: 1 });
      if (name === 'k' || name === 'up') return dispatch({ type: 'scroll-detail', by: -1 });
      if (name === 'ctrl-d' || name === 'pagedown') return dispatch({ type: 'scroll-detail', by: 10 });
      if (name === 'ctrl-u' || name === 'pageup') return dispatch({ type: 'scroll-detail', by: -10 });
      if (name === 'tab') return dispatch({ type: 'tab' });
      return;
    }
    if (view.notice) dispatch({ type: 'notice', text: null });
    // `n` is "next match" while a search is active, else "new revision".
    const binding = name === 'n' && view.search ? bindingFor('n', 'browse') : name === 'n' ? { id: 'new', label: 'new revision', mutates: true } : bindingFor(name, 'browse');
    if (!binding) return;
    if (binding.mutates && guard(binding.label)) return;
    const id = selectedId;
    switch (binding.id) {
      case 'down':
        return dispatch({ type: 'move', by: 1 });
      case 'up':
        return dispatch({ type: 'move', by: -1 });
      case 'top':
        return dispatch({ type: 'move-to', index: 0 });
      case 'bottom':
        return dispatch({ type: 'move-to', index: session.lines.length - 1 });
      case 'page-down':
        return dispatch({ type: 'page', direction: 1 });
      case 'page-up':
        return dispatch({ type: 'page', direction: -1 });
      case 'search':
        return dispatch({ type: 'mode', mode: { kind: 'search', query: '' } });
      case 'next-match':
        return dispatch({ type: 'match', direction: 1 });
      case 'prev-match':
        return dispatch({ type: 'match', direction: -1 });
      case 'tab':
        return dispatch({ type: 'tab' });
      case 'focus':
        return dispatch({ type: 'mode', mode: { kind: 'detail' } });
      case 'raw':
        return dispatch({ type: 'toggle-raw' });
      case 'log':
        return setFlow({ kind: 'log', scroll: 0 });
      case 'help':
        return setFlow({ kind: 'help', scroll: 0 });
      case 'quit':
      case 'back':
        return binding.id === 'quit' ? quit() : undefined;
      case 'reload':
        return void session.reload().then(() => {
          refresh();
          dispatch({ type: 'notice', text: 'reloaded files and database state' });
        });
      case 'upgrade':
        return id ? startUpgrade(id) : undefined;
      case 'upgrade-heads':
        return startUpgrade('heads');
      case 'downgrade':
        return id ? startDowngrade(id) : undefined;
      case 'stamp':
        return id ? startStamp(id) : undefined;
      case 'merge':
        return startMerge();
      case 'new':
        return startNewRevision();
      case 'resolve':
        return startResolve();
      case 'backups':
        return setFlow({ kind: 'backups', list: session.backups(), selected: 0 });
      default:
        return;
    }
  }

  function flowKey(flow: NonNullable<Flow>, name: string, input: string) {
    switch (flow.kind) {
      case 'busy':
      case 'running':
        return;
      case 'help':
      case 'log':
        if (name === 'escape' || name === 'q' || name === '?' || name === '@') return setFlow(null);
        if (name === 'down' || name === 'j') return setFlow({ ...flow, scroll: flow.scroll + 1 });
        if (name === 'up' || name === 'k') return setFlow({ ...flow, scroll: Math.max(0, flow.scroll - 1) });
        return;
      case 'result':
        if (name === 'escape' || name === 'enter' || name === 'q') return setFlow(null);
        if (name === 'down' || name === 'j') return setFlow({ ...flow, scroll: flow.scroll + 1 });
        if (name === 'up' || name === 'k') return setFlow({ ...flow, scroll: Math.max(0, flow.scroll - 1) });
        return;
      case 'backups':
        if (name === 'escape' || name === 'q' || name === 'b') return setFlow(null);
        if (name === 'down' || name === 'j') return setFlow({ ...flow, selected: Math.min(flow.list.length - 1, flow.selected + 1) });
        if (name === 'up' || name === 'k') return setFlow({ ...flow, selected: Math.max(0, flow.selected - 1) });
        if (name === 'enter' && flow.list[flow.selected]) {
          if (guard('restore')) return;
          const backup = flow.list[flow.selected]!;
          return setFlow({
            kind: 'confirm',
            title: `Restore ${session.db.databaseName} from this backup?`,
            body: [backup.file, `taken ${backup.createdAt} (${backup.reason}) with ${backup.tool}`, `version rows then: ${backup.versionRows.join(', ') || 'base'}`, `now: ${session.state.versionRows.join(', ') || 'base'}`, '', 'the data is replaced by the backup\'s'],
            scroll: 0,
            phrase: session.db.databaseName,
            input: '',
            backup: null,
            danger: true,
            onConfirm: () => void execute('restore', session.restore(backup.file)),
          });
        }
        return;
      case 'choose': {
        if (name === 'escape' || name === 'q') return setFlow(null);
        if (name === 'down' || name === 'j') return setFlow({ ...flow, selected: Math.min(flow.options.length - 1, flow.selected + 1) });
        if (name === 'up' || name === 'k') return setFlow({ ...flow, selected: Math.max(0, flow.selected - 1) });
        if (name === 'enter') return flow.onChoose(flow.selected);
        const picked = flow.options.findIndex((o) => o.key === name);
        if (picked >= 0) return flow.onChoose(picked);
        return;
      }
      case 'prompt': {
        if (name === 'escape') return setFlow(null);
        if (name === 'backspace') return setFlow({ ...flow, values: flow.values.map((v, i) => (i === flow.field ? v.slice(0, -1) : v)) });
        if (name === 'enter' || name === 'tab') {
          if (flow.field < flow.labels.length - 1) return setFlow({ ...flow, field: flow.field + 1 });
          if (name === 'tab') return setFlow({ ...flow, field: 0 });
          if (!flow.values[0]!.trim()) return setFlow({ ...flow, field: 0 });
          return flow.onSubmit(flow.values);
        }
        if (input && !['tab', 'enter', 'escape', 'backspace', 'up', 'down', 'left', 'right'].includes(name)) return setFlow({ ...flow, values: flow.values.map((v, i) => (i === flow.field ? v + input : v)) });
        return;
      }
      case 'confirm': {
        if (name === 'escape') return setFlow(null);
        if (name === 'down') return setFlow({ ...flow, scroll: flow.scroll + 1 });
        if (name === 'up') return setFlow({ ...flow, scroll: Math.max(0, flow.scroll - 1) });
        if (name === 'pagedown') return setFlow({ ...flow, scroll: flow.scroll + 10 });
        if (name === 'pageup') return setFlow({ ...flow, scroll: Math.max(0, flow.scroll - 10) });
        if (name === 'tab' && flow.backup !== null) return setFlow({ ...flow, backup: !flow.backup });
        if (flow.phrase !== null) {
          if (name === 'backspace') return setFlow({ ...flow, input: flow.input.slice(0, -1) });
          if (name === 'enter') return flow.input === flow.phrase ? flow.onConfirm(flow.backup ?? false) : undefined;
          if (input && !['tab', 'escape', 'up', 'down', 'left', 'right', 'pageup', 'pagedown'].includes(name)) return setFlow({ ...flow, input: flow.input + input });
          return;
        }
        if (name === 'y') return flow.onConfirm(flow.backup ?? false);
        if (name === 'n' || name === 'enter' || name === 'q') return setFlow(null);
        return;
      }
    }
  }

  const leftWidth = width >= 80 ? Math.max(30, Math.floor(width * 0.45)) : width;
  const stacked = width < 80;
  const main = () => {
    const matches = new Set(view.search?.matches ?? []);
    const historyHeight = stacked ? Math.max(3, Math.floor(listHeight / 2)) : listHeight;
    const title = selectedId ? `${selectedId} ${session.project.graph.get(selectedId).message}` : 'no revisions';
    return (
      <Box flexDirection={stacked ? 'column' : 'row'}>
        <HistoryPane lines={session.lines} selected={view.selected} top={view.top} height={historyHeight} width={leftWidth} focused={view.mode.kind !== 'detail'} matches={matches} />
        <Box marginLeft={stacked ? 0 : 1}>
          <DetailPane tab={view.tab} lines={detail} scroll={view.detailScroll} width={stacked ? width : width - leftWidth - 1} height={stacked ? listHeight - historyHeight : listHeight + 1} raw={view.raw} focused={view.mode.kind === 'detail'} title={title} />
        </Box>
      </Box>
    );
  };

  const rollbackMain = () => {
    const warnings = [
      ...(session.state.dirty ? [`DIRTY: the ${session.state.dirty.direction} of ${session.state.dirty.revision} did not finish (${session.state.dirty.statementsDone}/${session.state.dirty.statementsTotal} statements) — press R to resolve it first`] : []),
      ...session.state.drift.map((d) => `DRIFT: ${d.revision} changed since it was applied (${d.cosmetic ? 'comments/white space' : 'SQL differs'})`),
      ...session.state.missing.map((m) => `MISSING FILES: ${m.revision} is applied but its files are gone (reverted from the stored down SQL)`),
    ];
    const messages = new Map(session.project.graph.revisions.map((m) => [m.id, m.message]));
    return <RollbackPane steps={appliedSteps} selected={Math.min(rollbackSelected, Math.max(0, appliedSteps.length - 1))} warnings={warnings} messages={messages} width={width} height={listHeight + 1} />;
  };

  const overlayHeight = height - 1;
  const overlay = () => {
    if (!flow) return null;
    switch (flow.kind) {
      case 'busy':
        return <Panel title={flow.title} body={['reading the database…']} footer="" width={width} height={overlayHeight} />;
      case 'help':
        return <HelpOverlay width={width} height={overlayHeight} readOnly={readOnly} scroll={flow.scroll} />;
      case 'log':
        return <CommandLog log={session.commandLog} width={width} height={overlayHeight} scroll={flow.scroll} />;
      case 'backups':
        return <BackupsView list={flow.list} selected={flow.selected} width={width} height={overlayHeight} readOnly={readOnly} />;
      case 'running':
        return <ProgressView {...flow} width={width} height={overlayHeight} />;
      case 'choose':
        return <ChoiceList title={flow.title} intro={flow.intro} options={flow.options} selected={flow.selected} width={width} height={overlayHeight} />;
      case 'result':
        return <Panel title={flow.title} body={flow.body} scroll={flow.scroll} footer="enter or esc closes" width={width} height={overlayHeight} tone={flow.ok ? 'ok' : 'error'} />;
      case 'prompt':
        return (
          <Panel title={flow.title} body={flow.labels.map((l, i) => `${i === flow.field ? '>' : ' '} ${l}: ${flow.values[i]}${i === flow.field ? '▏' : ''}`)} footer="type · tab/enter next field · enter on the last writes the files · esc cancels" width={width} height={overlayHeight} />
        );
      case 'confirm': {
        const footer = flow.phrase !== null ? 'type the name · enter confirms · esc cancels' : 'y confirms · n, enter or esc cancels (default: No)';
        return (
          <Panel title={flow.title} body={flow.body} scroll={flow.scroll} footer={footer} width={width} height={overlayHeight} tone={flow.danger ? 'danger' : 'plain'}>
            {flow.backup !== null ? <Text>{`Backup first: ${flow.backup ? '[x] yes' : '[ ] NO — no backup will be taken'}   (tab toggles)`}</Text> : null}
            {flow.phrase !== null ? <TypedConfirm phrase={flow.phrase} input={flow.input} /> : null}
          </Panel>
        );
      }
    }
  };

  const search = view.mode.kind === 'search' ? `/${view.mode.query}▏  (enter searches, esc cancels)` : null;
  return (
    <Box flexDirection="column" width={width} height={height - 1}>
      {flow ? overlay() : variant === 'rollback' ? rollbackMain() : main()}
      {flow ? null : (
        <StatusBar
          database={session.db.display}
          dialect={session.db.syntax.name}
          heads={session.state.versionRows}
          pending={session.state.pending.length}
          dirty={session.state.dirty !== null}
          readOnly={readOnly}
          scope={scope}
          notice={search ?? view.notice}
          width={width}
        />
      )}
    </Box>
  );
}

/** Applied steps from the log, newest first, of revisions that are applied now. */
function appliedStepsOf(session: TuiSession): LogRow[] {
  const { state } = session;
  return state.log
    .filter((r) => r.direction === 'up' && r.status === 'done' && (r.kind === 'migrate' || r.kind === 'stamp' || r.kind === 'restore') && (state.applied.has(r.revision) || state.missing.some((m) => m.revision === r.revision)))
    .reverse();
}

function errorResult(title: string, error: unknown): Flow {
  const e = error as { message?: string; hint?: string };
  return { kind: 'result', ok: false, title: `${title}: FAILED`, body: [...String(e.message ?? error).split('\n'), ...(e.hint ? [`→ ${e.hint}`] : [])], scroll: 0 };
}
