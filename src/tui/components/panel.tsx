import { Box, Text } from 'ink';
import { columnsOf, splitAtWord } from '../columns.js';
import { colour } from '../theme.js';

/** A full-screen panel with a title, a scrolled body and a footer of what keys do. */
export function Panel(props: {
  title: string;
  body: readonly string[];
  scroll?: number;
  footer: string;
  width: number;
  height: number;
  tone?: 'danger' | 'ok' | 'error' | 'plain';
  children?: React.ReactNode;
  /** Shown under the title, before the body (a confirmation's notices and prompt); `leadHeight` lines tall. */
  lead?: React.ReactNode;
  leadHeight?: number;
}) {
  const extra = props.children ? 4 : 0;
  const room = Math.max(1, props.height - 4 - extra - (props.leadHeight ?? 0));
  // Long lines (paths, errors, SQL) wrap rather than lose their end.
  const body = wrapLines(props.body, Math.max(10, props.width - 2));
  const scroll = Math.min(props.scroll ?? 0, Math.max(0, body.length - room));
  const visible = body.slice(scroll, scroll + room);
  const tone = props.tone === 'danger' || props.tone === 'error' ? colour('red') : props.tone === 'ok' ? colour('green') : undefined;
  return (
    <Box flexDirection="column" width={props.width} height={props.height} borderStyle="round" borderColor={tone}>
      <Text bold color={tone} wrap="truncate">{props.title}</Text>
      {props.lead}
      {visible.map((line, k) => (
        <BodyLine key={scroll + k} line={line} />
      ))}
      <Box flexGrow={1} />
      {props.children}
      <Text color={colour('gray')} wrap="truncate">{`${body.length > room ? `[${scroll + 1}-${scroll + visible.length} of ${body.length}, ↑/↓ scroll] ` : ''}${props.footer}`}</Text>
    </Box>
  );
}

/** Splits lines longer than `width` between words, continuing them indented like their first part. */
export function wrapLines(lines: readonly string[], width: number): string[] {
  return lines.flatMap((line) => {
    if (columnsOf(line) <= width) return [line];
    // The continuation's indent leaves at least half the width (two columns: a wide character fits).
    const indent = /^\s*/.exec(line)![0].slice(0, Math.max(0, Math.floor(width / 2) - 2));
    const [first, after] = splitAtWord(line, width);
    const parts = [first];
    // At least two columns a part, so every part takes a character (a pane under 4 columns wide overflows rather than loops).
    const room = Math.max(2, width - indent.length - 2);
    for (let rest = after; rest.length > 0; ) {
      const [part, tail] = splitAtWord(rest, room);
      parts.push(`${indent}  ${part}`);
      rest = tail;
    }
    return parts;
  });
}

function BodyLine(props: { line: string }) {
  const { line } = props;
  const danger = /^(DATA AT RISK|  drops |  empties |  deletes |NO BACKUP|IRREVERSIBLE|error:)/.test(line);
  const c = danger ? colour('red') : line.startsWith('+') ? colour('green') : line.startsWith('-') && !line.startsWith('--') ? colour('red') : line.trimStart().startsWith('--') ? colour('gray') : undefined;
  return <Text color={c} bold={danger} wrap="truncate">{line || ' '}</Text>;
}
