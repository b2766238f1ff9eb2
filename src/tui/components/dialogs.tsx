import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import type { BackupManifest } from '../../engine/index.js';
import { KEYMAP } from '../keymap.js';
import type { LoggedStatement } from '../session.js';
import { colour } from '../theme.js';

/** A full-screen panel with a title, a scrolled body and a footer of what keys do. */
export function Panel(props: { title: string; body: readonly string[]; scroll?: number; footer: string; width: number; height: number; tone?: 'danger' | 'ok' | 'error' | 'plain'; children?: React.ReactNode }) {
  const extra = props.children ? 4 : 0;
  const room = Math.max(1, props.height - 4 - extra);
  // Long lines (paths, errors, SQL) wrap rather than lose their end.
  const body = wrapLines(props.body, Math.max(10, props.width - 2));
  const scroll = Math.min(props.scroll ?? 0, Math.max(0, body.length - room));
  const visible = body.slice(scroll, scroll + room);
  const tone = props.tone === 'danger' || props.tone === 'error' ? colour('red') : props.tone === 'ok' ? colour('green') : undefined;
  return (
    <Box flexDirection="column" width={props.width} height={props.height} borderStyle="round" borderColor={tone}>
      <Text bold color={tone} wrap="truncate">{props.title}</Text>
      {visible.map((line, k) => (
        <BodyLine key={scroll + k} line={line} />
      ))}
      <Box flexGrow={1} />
      {props.children}
      <Text color={colour('gray')} wrap="truncate">{`${body.length > room ? `[${scroll + 1}-${scroll + visible.length} of ${body.length}, ↑/↓ scroll] ` : ''}${props.footer}`}</Text>
    </Box>
  );
}

/** Splits lines longer than `width`, continuing them indented like their first part. */
export function wrapLines(lines: readonly string[], width: number): string[] {
  return lines.flatMap((line) => {
    if (line.length <= width) return [line];
    const indent = /^\s*/.exec(line)![0].slice(0, width / 2);
    const parts = [line.slice(0, width)];
    for (let rest = line.slice(width); rest.length > 0; rest = rest.slice(width - indent.length - 2)) parts.push(`${indent}  ${rest.slice(0, width - indent.length - 2)}`);
    return parts;
  });
}

function BodyLine(props: { line: string }) {
  const { line } = props;
  const danger = /^(DATA AT RISK|  drops |  empties |  deletes |NO BACKUP|IRREVERSIBLE|error:)/.test(line);
  const c = danger ? colour('red') : line.startsWith('+') ? colour('green') : line.startsWith('-') && !line.startsWith('--') ? colour('red') : line.trimStart().startsWith('--') ? colour('gray') : undefined;
  return <Text color={c} bold={danger} wrap="truncate">{line || ' '}</Text>;
}

/** Pick one of a few options: j/k and enter, or the option's own key. */
export function ChoiceList(props: { title: string; intro: readonly string[]; options: ReadonlyArray<{ key: string; label: string }>; selected: number; width: number; height: number }) {
  const body = [...props.intro, '', ...props.options.map((o, i) => `${i === props.selected ? '>' : ' '} ${o.key}  ${o.label}`)];
  return <Panel title={props.title} body={body} footer="j/k or the letter chooses · enter previews · esc cancels" width={props.width} height={props.height} tone="danger" />;
}

/** The typed-confirmation field (k9s / Shopify: the riskiest action needs the name typed). */
export function TypedConfirm(props: { phrase: string; input: string }) {
  const matches = props.input === props.phrase;
  return (
    <Box flexDirection="column">
      <Text>
        {'Type the database name '}
        <Text bold>{props.phrase}</Text>
        {' and press enter to confirm:'}
      </Text>
      <Text>
        {'> '}
        <Text color={matches ? colour('green') : colour('yellow')}>{props.input}</Text>
        <Text inverse> </Text>
      </Text>
    </Box>
  );
}

/** Progress of a run: migration i of n, statement j of m, elapsed, the statement running. */
export function ProgressView(props: { title: string; step: string; stepIndex: number; stepTotal: number; statement: number; statementTotal: number; sql: string; started: number; width: number; height: number }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 200);
    return () => clearInterval(timer);
  }, []);
  const elapsed = ((Date.now() - props.started) / 1000).toFixed(1);
  const body = [
    `migration ${Math.min(props.stepIndex + 1, props.stepTotal)} of ${props.stepTotal}: ${props.step}`,
    `statement ${props.statement} of ${props.statementTotal}`,
    `elapsed ${elapsed} s`,
    '',
    'running now:',
    ...props.sql.split('\n').slice(0, Math.max(1, props.height - 10)),
  ];
  return <Panel title={props.title} body={body} footer="working… (ctrl-c leaves the terminal as it was; the database stays consistent)" width={props.width} height={props.height} />;
}

export function HelpOverlay(props: { width: number; height: number; readOnly: boolean; scroll: number }) {
  const groups = ['navigate', 'view', 'act', 'app'] as const;
  const body = groups.flatMap((g) => [
    g.toUpperCase(),
    ...KEYMAP.filter((b) => b.group === g).map((b) => `  ${b.keys.join(', ').padEnd(16)} ${b.label}${b.mutates && props.readOnly ? '  (disabled: --read-only)' : ''}  [${b.scopes.join(', ')}]`),
    '',
  ]);
  return <Panel title="Keys" body={body} scroll={props.scroll} footer="esc or ? closes" width={props.width} height={props.height} />;
}

export function CommandLog(props: { log: readonly LoggedStatement[]; width: number; height: number; scroll: number }) {
  const body = props.log.length === 0 ? ['no statements run this session'] : props.log.flatMap((s) => [`${s.at} ${s.direction === 'up' ? '↑' : '↓'} ${s.revision}`, ...s.sql.split('\n').map((l) => `  ${l}`)]);
  return <Panel title={`Command log: ${props.log.length} statement${props.log.length === 1 ? '' : 's'} run this session`} body={body} scroll={props.scroll} footer="esc or @ closes" width={props.width} height={props.height} />;
}

export function BackupsView(props: { list: readonly BackupManifest[]; selected: number; width: number; height: number; readOnly: boolean }) {
  const body =
    props.list.length === 0
      ? ['no backups yet (a downgrade takes one first)']
      : props.list.map((b, i) => `${i === props.selected ? '>' : ' '} ${b.createdAt}  ${b.file.split('/').pop()}  at ${b.versionRows.join(', ') || 'base'}  ${b.size} bytes  ${b.reason}`);
  return <Panel title="Backups" body={body} footer={props.readOnly ? 'j/k move · esc closes (restore disabled: --read-only)' : 'j/k move · enter restore (asks) · esc closes'} width={props.width} height={props.height} />;
}
