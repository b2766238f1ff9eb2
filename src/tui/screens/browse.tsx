import { Box } from 'ink';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { DetailPane } from '../components/detail-pane.js';
import { HistoryPane } from '../components/history-pane.js';
import type { Project, Severity } from '../../engine/index.js';
import { historyLintInSlices, worstByRevision } from '../lint-view.js';
import type { TuiSession } from '../session.js';
import { historyWidthOf } from '../history-text.js';
import type { ViewState } from '../state.js';

/** The main screen: the history and the detail of the selected revision, side by side or stacked below 80 columns. */
export function BrowseScreen(props: { session: TuiSession; view: ViewState; detail: readonly string[] | null; width: number; listHeight: number; lintMarks: ReadonlyMap<string, Severity> | null }) {
  const { session, view, detail, width, listHeight } = props;
  const selectedId = session.lines[view.selected]?.id ?? null;
  const leftWidth = historyWidthOf(width);
  const stacked = width < 80;
  const matches = new Set(view.search?.matches ?? []);
  const historyHeight = stacked ? Math.max(3, Math.floor(listHeight / 2)) : listHeight;
  const title = selectedId ? `${selectedId} ${session.project.graph.get(selectedId).message}` : 'no revisions';
  return (
    <Box flexDirection={stacked ? 'column' : 'row'}>
      <HistoryPane lines={session.lines} selected={view.selected} top={view.top} height={historyHeight} width={leftWidth} focused={view.mode.kind !== 'detail'} matches={matches} lintMarks={props.lintMarks} />
      <Box marginLeft={stacked ? 0 : 1}>
        <DetailPane tab={view.tab} lines={detail} scroll={view.detailScroll} width={stacked ? width : width - leftWidth - 1} height={stacked ? listHeight - historyHeight : listHeight + 1} raw={view.raw} focused={view.mode.kind === 'detail'} title={title} />
      </Box>
    </Box>
  );
}

/**
 * The detail pane's lines for the selected revision and tab; `null` while they load. Not
 * re-read during a run. What needs no waiting (SQL, info, lint once done: detailNow) is read
 * while drawing, so a key's frame shows the new selection with its detail (one frame, not a
 * "loading…" frame and then another); the rest is read after the frame and drawn when it comes.
 */
export function useDetail(session: TuiSession, view: ViewState, generation: number, running: RefObject<boolean>): string[] | null {
  const selectedId = session.lines[view.selected]?.id ?? null;
  const key = `${generation}\0${selectedId}\0${view.tab}\0${view.raw}\0${view.trial}`;
  const shown = useRef<{ session: TuiSession | null; key: string; lines: string[] | null }>({ session: null, key: '', lines: null });
  const [loaded, setLoaded] = useState<{ session: TuiSession; key: string; lines: string[] } | null>(null);
  if (selectedId && !running.current && (shown.current.key !== key || shown.current.session !== session)) {
    // A session's first detail is read after its first frame: the history shows without waiting for the SQL formatter to load.
    let lines: string[] | null = null;
    try {
      if (shown.current.session === session) lines = session.detailNow(selectedId, view.tab, view.raw);
    } catch (error) {
      lines = [`cannot show this: ${(error as Error).message}`];
    }
    shown.current = { session, key, lines };
  }
  const waiting = shown.current.session === session && shown.current.key === key && shown.current.lines === null;
  useEffect(() => {
    if (!waiting || !selectedId) return;
    let live = true;
    const done = (lines: string[]) => live && setLoaded({ session, key, lines });
    session
      .detail(selectedId, view.tab, view.raw, view.trial)
      .then(done)
      .catch((error: Error) => done([`cannot show this: ${error.message}`]));
    return () => {
      live = false;
    };
  }, [session, key, waiting]);
  const now = shown.current;
  if (now.lines) return now.lines;
  return loaded && loaded.session === now.session && loaded.key === now.key ? loaded.lines : null;
}

/**
 * The history's lint marks (the worst finding per revision, for the database's dialect):
 * computed after the first frame, a slice of files at a time between frames and keys; null
 * until done. Again after a reload (the memo keeps what was read).
 */
export function useLintMarks(session: TuiSession, generation: number): ReadonlyMap<string, Severity> | null {
  const [marks, setMarks] = useState<{ project: Project; worst: Map<string, Severity> } | null>(null);
  useEffect(() => {
    let live = true;
    const project = session.project;
    historyLintInSlices(project, session.db.syntax.name, () => !live || session.project !== project, session.options.lintStore ?? null)
      .then((report) => live && report && setMarks({ project, worst: worstByRevision(report) }))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [session, generation]);
  return marks && marks.project === session.project ? marks.worst : null;
}
