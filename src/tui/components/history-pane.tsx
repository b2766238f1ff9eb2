import { Box, Text } from 'ink';
import { memo, useMemo } from 'react';
import type { Severity } from '../../engine/index.js';
import type { HistoryLine } from '../session.js';
import { colour } from '../theme.js';

/** The revision graph, newest first, drawing only the visible window of lines. */
export function HistoryPane(props: { lines: readonly HistoryLine[]; selected: number; top: number; height: number; width: number; focused: boolean; matches: ReadonlySet<number>; lintMarks?: ReadonlyMap<string, Severity> | null }) {
  const visible = props.lines.slice(props.top, props.top + props.height);
  // Counted once per history, not on every frame (10,000 lines scanned per key before).
  const revisions = useMemo(() => props.lines.reduce((n, l) => (l.id === null ? n : n + 1), 0), [props.lines]);
  return (
    <Box flexDirection="column" width={props.width} height={props.height + 1}>
      <Text bold>{`History${props.lines.length > 0 ? ` (${revisions})` : ''}`}</Text>
      {visible.map((line, k) => (
        <HistoryRow key={props.top + k} line={line} selected={props.top + k === props.selected} focused={props.focused} match={props.matches.has(props.top + k)} width={props.width} lint={line.id ? (props.lintMarks?.get(line.id) ?? null) : null} />
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

/** Lint marks, after the status mark: `✖` an error, `▲` a warning, `·` a notice (the lint tab says which). */
export const LINT_GLYPHS: Readonly<Record<Severity, { glyph: string; color: ReturnType<typeof colour> }>> = {
  error: { glyph: '✖', color: colour('red') },
  warning: { glyph: '▲', color: colour('yellow') },
  notice: { glyph: '·', color: colour('gray') },
};

/** A row is drawn again only when its own props change (a key moves the selection: two rows). */
const HistoryRow = memo(function HistoryRow(props: { line: HistoryLine; selected: boolean; focused: boolean; match: boolean; width: number; lint: Severity | null }) {
  const { line } = props;
  if (line.id === null) return <Text color={colour('gray')}>{`  ${line.graph}`.slice(0, props.width)}</Text>;
  const { mark, color } = markOf(line);
  const labels = line.labels.length > 0 ? ` [${line.labels.join(',')}]` : '';
  const text = `${line.graph} ${line.id}${line.head ? ' (head)' : ''}${labels} ${line.message}`;
  const body = text.length + 3 > props.width ? `${text.slice(0, Math.max(0, props.width - 4))}…` : text;
  const lint = props.lint ? LINT_GLYPHS[props.lint] : null;
  return (
    <Text inverse={props.selected} bold={props.selected && props.focused} underline={props.match && !props.selected} wrap="truncate">
      <Text color={props.selected ? undefined : color}>{mark}</Text>
      {lint ? <Text color={props.selected ? undefined : lint.color}>{lint.glyph}</Text> : ' '}
      {body}
    </Text>
  );
});
