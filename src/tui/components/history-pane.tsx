import { Box, Text } from 'ink';
import type { HistoryLine } from '../session.js';
import { colour } from '../theme.js';

/** The revision graph, newest first, drawing only the visible window of lines. */
export function HistoryPane(props: { lines: readonly HistoryLine[]; selected: number; top: number; height: number; width: number; focused: boolean; matches: ReadonlySet<number> }) {
  const visible = props.lines.slice(props.top, props.top + props.height);
  return (
    <Box flexDirection="column" width={props.width} height={props.height + 1}>
      <Text bold>{`History${props.lines.length > 0 ? ` (${props.lines.filter((l) => l.id !== null).length})` : ''}`}</Text>
      {visible.map((line, k) => (
        <HistoryRow key={props.top + k} line={line} selected={props.top + k === props.selected} focused={props.focused} match={props.matches.has(props.top + k)} width={props.width} />
      ))}
    </Box>
  );
}

/** `●` applied, `○` pending, `◆` current head, `~` drift, `!` dirty, `?` gap. Letters stay readable without colour. */
export function markOf(line: HistoryLine): { mark: string; color: ReturnType<typeof colour> } {
  if (line.dirty) return { mark: '!', color: colour('red') };
  if (line.gap) return { mark: '?', color: colour('yellow') };
  if (line.drift) return { mark: '~', color: colour('magenta') };
  if (line.current) return { mark: '◆', color: colour('green') };
  if (line.applied) return { mark: '●', color: colour('green') };
  return { mark: '○', color: colour('yellow') };
}

function HistoryRow(props: { line: HistoryLine; selected: boolean; focused: boolean; match: boolean; width: number }) {
  const { line } = props;
  if (line.id === null) return <Text color={colour('gray')}>{`  ${line.graph}`.slice(0, props.width)}</Text>;
  const { mark, color } = markOf(line);
  const labels = line.labels.length > 0 ? ` [${line.labels.join(',')}]` : '';
  const text = ` ${line.graph} ${line.id}${line.head ? ' (head)' : ''}${labels} ${line.message}`;
  const body = text.length + 2 > props.width ? `${text.slice(0, Math.max(0, props.width - 3))}…` : text;
  return (
    <Text inverse={props.selected} bold={props.selected && props.focused} underline={props.match && !props.selected} wrap="truncate">
      <Text color={props.selected ? undefined : color}>{mark}</Text>
      {body}
    </Text>
  );
}
