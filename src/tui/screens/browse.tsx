import { Box } from 'ink';
import { useEffect, useState, type RefObject } from 'react';
import { DetailPane } from '../components/detail-pane.js';
import { HistoryPane } from '../components/history-pane.js';
import type { Project, Severity } from '../../engine/index.js';
import { historyLintInSlices, worstByRevision } from '../lint-view.js';
import type { TuiSession } from '../session.js';
import type { ViewState } from '../state.js';

/** The main screen: the history and the detail of the selected revision, side by side or stacked below 80 columns. */
export function BrowseScreen(props: { session: TuiSession; view: ViewState; detail: readonly string[] | null; width: number; listHeight: number; lintMarks: ReadonlyMap<string, Severity> | null }) {
  const { session, view, detail, width, listHeight } = props;
  const selectedId = session.lines[view.selected]?.id ?? null;
  const leftWidth = width >= 80 ? Math.max(30, Math.floor(width * 0.45)) : width;
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

/** The detail pane's lines for the selected revision and tab; `null` while they load. Not re-read during a run. */
export function useDetail(session: TuiSession, view: ViewState, generation: number, running: RefObject<boolean>): string[] | null {
  const [detail, setDetail] = useState<string[] | null>(null);
  const selectedId = session.lines[view.selected]?.id ?? null;
  useEffect(() => {
    let live = true;
    if (!selectedId || running.current) return;
    setDetail(null);
    session
      .detail(selectedId, view.tab, view.raw, view.trial)
      .then((lines) => live && setDetail(lines))
      .catch((error: Error) => live && setDetail([`cannot show this: ${error.message}`]));
    return () => {
      live = false;
    };
  }, [session, selectedId, view.tab, view.raw, view.trial, generation]);
  return detail;
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
    historyLintInSlices(project, session.db.syntax.name, () => !live || session.project !== project)
      .then((report) => live && report && setMarks({ project, worst: worstByRevision(report) }))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [session, generation]);
  return marks && marks.project === session.project ? marks.worst : null;
}
