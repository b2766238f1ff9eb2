import { Box, Text } from 'ink';
import { memo, useMemo } from 'react';
import type { Severity } from '../../engine/index.js';
import type { HistoryLine } from '../session.js';
import { colour } from '../theme.js';
import { connectorText, historyTitle, LINT_GLYPHS, markOf, rowBody } from '../history-text.js';

export { LINT_GLYPHS, markOf } from '../history-text.js';

/** The revision graph, newest first, drawing only the visible window of lines. */
export function HistoryPane(props: { lines: readonly HistoryLine[]; selected: number; top: number; height: number; width: number; focused: boolean; matches: ReadonlySet<number>; lintMarks?: ReadonlyMap<string, Severity> | null }) {
  const visible = props.lines.slice(props.top, props.top + props.height);
  // Counted once per history, not on every frame (10,000 lines scanned per key before).
  const revisions = useMemo(() => props.lines.reduce((n, l) => (l.id === null ? n : n + 1), 0), [props.lines]);
  return (
    <Box flexDirection="column" width={props.width} height={props.height + 1}>
      <Text bold>{historyTitle(props.lines, revisions)}</Text>
      {visible.map((line, k) => (
        <HistoryRow key={props.top + k} line={line} selected={props.top + k === props.selected} focused={props.focused} match={props.matches.has(props.top + k)} width={props.width} lint={line.id ? (props.lintMarks?.get(line.id) ?? null) : null} />
      ))}
    </Box>
  );
}

/** A row is drawn again only when its own props change (a key moves the selection: two rows). */
const HistoryRow = memo(function HistoryRow(props: { line: HistoryLine; selected: boolean; focused: boolean; match: boolean; width: number; lint: Severity | null }) {
  const { line } = props;
  if (line.id === null) return <Text color={colour('gray')}>{connectorText(line, props.width)}</Text>;
  const { mark, color } = markOf(line);
  const body = rowBody(line, props.width);
  const lint = props.lint ? LINT_GLYPHS[props.lint] : null;
  return (
    <Text inverse={props.selected} bold={props.selected && props.focused} underline={props.match && !props.selected} wrap="truncate">
      <Text color={props.selected ? undefined : color}>{mark}</Text>
      {lint ? <Text color={props.selected ? undefined : lint.color}>{lint.glyph}</Text> : ' '}
      {body}
    </Text>
  );
});
