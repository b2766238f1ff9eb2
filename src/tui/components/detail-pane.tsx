import { Box, Text } from 'ink';
import { TABS, type Tab } from '../state.js';
import { cutToColumns } from '../columns.js';
import { colour, SQL_KEYWORDS } from '../theme.js';

/** Tabs (up / down / diff / schema / info / lint) and the selected revision's text, scrolled. */
export function DetailPane(props: { tab: Tab; lines: readonly string[] | null; scroll: number; width: number; height: number; raw: boolean; focused: boolean; title: string }) {
  const body = props.lines ?? ['loading…'];
  const visible = body.slice(props.scroll, props.scroll + props.height - 2);
  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      <Text wrap="truncate">
        {TABS.map((t) => (
          <Text key={t} inverse={t === props.tab} bold={t === props.tab}>{` ${t} `}</Text>
        ))}
        <Text color={colour('gray')}>{`  ${props.raw && (props.tab === 'up' || props.tab === 'down') ? 'raw file' : ''} ${props.focused ? '(scrolling: j/k, esc)' : ''}`}</Text>
      </Text>
      <Text bold wrap="truncate">{cutToColumns(props.title, props.width)}</Text>
      {visible.map((line, k) => (
        <DetailLine key={props.scroll + k} line={line} tab={props.tab} width={props.width} />
      ))}
    </Box>
  );
}

function DetailLine(props: { line: string; tab: Tab; width: number }) {
  const line = cutToColumns(props.line, props.width);
  if (props.tab === 'diff' || props.tab === 'schema') {
    const c = line.startsWith('+') ? colour('green') : line.startsWith('-') ? colour('red') : line.startsWith('@@') ? colour('cyan') : undefined;
    return <Text color={c} wrap="truncate">{line || ' '}</Text>;
  }
  if (props.tab === 'info') return <Text wrap="truncate">{line || ' '}</Text>;
  if (props.tab === 'lint') return <Text color={line.startsWith('ERROR') ? colour('red') : line.startsWith('WARNING') ? colour('yellow') : undefined} bold={/^[A-Z]+ [A-Z]{2}\d{3}/.test(line)} wrap="truncate">{line || ' '}</Text>;
  if (line.trimStart().startsWith('--')) return <Text color={colour('gray')} wrap="truncate">{line}</Text>;
  // Keywords bold and coloured; the rest plain.
  const parts = line.split(/(\b[A-Za-z_]+\b)/);
  return (
    <Text wrap="truncate">
      {parts.map((p, i) => (SQL_KEYWORDS.has(p.toUpperCase()) && p === p.toUpperCase() ? <Text key={i} bold color={colour('cyan')}>{p}</Text> : p)) }
      {line === '' ? ' ' : ''}
    </Text>
  );
}
