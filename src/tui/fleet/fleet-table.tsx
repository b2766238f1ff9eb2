import { Box, Text } from 'ink';
import type { Fleet } from '../../engine/index.js';
import { fitColumns } from '../columns.js';
import { fitHints } from '../components/status-bar.js';
import { KEYMAP, keyOf } from '../keymap.js';
import { colour } from '../theme.js';
import { fleetCounts, type FleetRow, type FleetView } from './fleet-state.js';

/** The fleet view: a header with the counts, one line per target, the cursor target's details, and the key hints. */

const cell = (text: string, width: number) => fitColumns(text, width);

const MARK: Record<string, string> = { queued: '·', running: '▸', done: '✓', current: '=', pending: '…', refused: '✗', failed: '✗', skipped: '-', interrupted: '!' };

interface Columns {
  readonly name: number;
  readonly stage: number;
  readonly heads: number;
}

/** The columns after the name and stage, as one string (or the reason there are none). */
function rowText(row: FleetRow, c: Columns): { text: string; tone?: string } {
  const { read } = row;
  if (read.kind === 'error') return { text: `✗ cannot read: ${read.message}`, tone: colour('red') };
  const dialect = cell(read.kind === 'ready' ? read.state.dialect : row.target.connection.kind, 8);
  if (read.kind === 'reading') return { text: `${dialect} reading…`, tone: colour('gray') };
  const s = read.state;
  const heads = cell(s.heads.length > 1 ? `${s.heads.length} heads` : s.heads[0] ?? 'base', c.heads);
  const lock = s.lock === undefined ? 'n/a' : s.lock === null ? 'free' : s.lock.startsWith('a STALE lease') ? 'STALE' : 'HELD';
  const last = row.run ? `${MARK[row.run.status] ?? '?'} ${row.run.text}` : s.lastRun ? `${s.lastRun.what} ${s.lastRun.status} ${s.lastRun.at.replace('T', ' ').slice(0, 16)}` : 'never';
  const text = `${dialect} ${heads} ${String(s.pending).padStart(4)} ${cell(s.dirty ? 'DIRTY' : s.otherTool ? 'OTHER' : '-', 5)} ${cell(s.drift > 0 ? String(s.drift) : '-', 5)} ${cell(lock, 5)} ${last}`;
  const failed = row.run && (row.run.status === 'failed' || row.run.status === 'refused' || row.run.status === 'interrupted');
  return { text, ...(s.dirty || failed ? { tone: colour('red') } : s.lock || s.otherTool ? { tone: colour('yellow') } : {}) };
}

/** Under the table: what the cursor's target is, and in full what its row cuts. */
function details(row: FleetRow | undefined): string[] {
  if (!row) return [];
  const t = row.target;
  const lines = [`${t.name} [${t.stage}]${t.tags.length ? ` tags ${t.tags.join(', ')}` : ''} · ${t.connection.display}`];
  const { read } = row;
  if (read.kind === 'error') lines.push(`cannot read: ${read.message}`);
  if (read.kind === 'ready') {
    const s = read.state;
    lines[0] += ` · ${s.serverVersion}`;
    lines.push(`at ${s.heads.join(', ') || 'base'} · ${s.pending} pending${s.gaps ? ` · ${s.gaps} gap${s.gaps === 1 ? '' : 's'}` : ''}${s.drift ? ` · ${s.drift} drifted (the file changed since applied)` : ''}`);
    if (s.missing.length > 0) lines.push(`MISSING: ${s.missing.join(', ')} ${s.missing.length === 1 ? 'is' : 'are'} applied but ${s.missing.length === 1 ? 'its' : 'their'} files are gone: upgrade refuses until they are back or reverted (a downgrade reverts them from the stored down SQL)`);
    if (s.dirty) lines.push(`DIRTY: the ${s.dirty} did not finish — enter, then R resolves it`);
    // Short: a detail line is cut at the screen's width; upgrade refuses until then, saying the whole way out.
    if (s.otherTool) lines.push(`OTHER: ${s.otherTool.tool}: ${s.otherTool.stamp === null ? 'no stamp fits (status says why)' : s.otherTool.stamp.includes(' ') ? `\`migrate-tui stamp ${s.otherTool.stamp}\` takes it over (one stamp, several targets)` : `stamp ${s.otherTool.stamp} (${keyOf('fleet-stamp')}) takes it over`}`);
    lines.push(s.lock === undefined ? 'lock: SQLite cannot tell who holds it without taking it' : s.lock === null ? 'lock: free' : `lock: ${s.lock}`);
    if (s.lastRun) lines.push(`last run: ${s.lastRun.what} ${s.lastRun.status} at ${s.lastRun.at} by ${s.lastRun.by}`);
  }
  if (row.run) lines.push(`this action: ${row.run.text}`);
  return lines.slice(0, 5);
}

/**
 * The title line within `width` columns, the counts always whole (the selection count was
 * the first thing a cut at the end lost): the stages go first (the stage column has them),
 * then the file's name is shortened from its start. Cut by hand, never by the terminal.
 */
export function fleetTitle(head: string, stages: string, tally: string, width: number): string {
  const len = (text: string) => [...text].length;
  const full = `${head} · ${stages} · ${tally}`;
  if (len(full) <= width) return full;
  const short = `${head} · ${tally}`;
  if (len(short) <= width) return short;
  // "Fleet <origin>: N targets" keeps its end ("Fleet ...argets.json: 4 targets").
  const body = [...head.replace(/^Fleet /, '')];
  const room = width - len(tally) - len(' · ') - len('Fleet ...');
  if (room >= 8) return `Fleet ...${body.slice(-room).join('')} · ${tally}`;
  return [...tally].slice(0, width).join('');
}

export function FleetTable(props: { fleet: Fleet; view: FleetView; width: number; height: number; readOnly: boolean }) {
  const { view, width, fleet } = props;
  const c: Columns = {
    name: Math.min(24, Math.max(4, ...view.rows.map((r) => r.target.name.length))),
    stage: Math.min(12, Math.max(5, ...view.rows.map((r) => r.target.stage.length))),
    heads: 16,
  };
  const counts = fleetCounts(view);
  const n = view.rows.length;
  const tally = [`read ${counts.read}/${n}`, counts.errors ? `${counts.errors} unreachable` : '', `${counts.behind} behind`, counts.dirty ? `${counts.dirty} DIRTY` : '', view.selected.size ? `${view.selected.size} selected` : ''];
  const title = fleetTitle(`Fleet ${fleet.origin}: ${n} target${n === 1 ? '' : 's'}`, fleet.stages.join(' → '), tally.filter(Boolean).join(' · '), width);
  const running = view.running;
  const progress = running ? (running.cancelling ?? `${running.title}: ${counts.ended} of ${running.names.length} ended · ctrl-c cancels (running targets finish or roll back their current migration)`) : null;
  const info = details(view.rows[view.cursor]);
  const visible = view.rows.slice(view.top, view.top + view.height);
  const header = `      ${cell('name', c.name)} ${cell('stage', c.stage)} ${cell('dialect', 8)} ${cell('heads', c.heads)} pend dirty drift lock  last run / this action`;
  const hints = fitHints(
    KEYMAP.filter((b) => b.hint && b.scopes.includes('fleet') && !(props.readOnly && b.mutates)).map((b) => ({ text: `${b.keys[0]} ${b.short ?? b.label.split(' ')[0]}`, keep: b.action === 'help' || b.action === 'quit' })),
    width,
  );
  return (
    <Box flexDirection="column" width={width} height={props.height}>
      <Text bold wrap="truncate">{title}</Text>
      {progress ? <Text color={running?.cancelling ? colour('red') : colour('yellow')} wrap="truncate">{progress}</Text> : null}
      <Text color={colour('gray')} wrap="truncate">{header}</Text>
      {visible.map((row, i) => {
        const index = view.top + i;
        const cursor = index === view.cursor;
        const { text, tone } = rowText(row, c);
        return (
          <Text key={row.target.name} wrap="truncate" inverse={cursor}>
            {`${cursor ? '>' : ' '} ${view.selected.has(row.target.name) ? '[x]' : '[ ]'} ${cell(row.target.name, c.name)} ${cell(row.target.stage, c.stage)} `}
            <Text color={tone}>{text}</Text>
          </Text>
        );
      })}
      <Box flexGrow={1} />
      {info.map((line, i) => (
        <Text key={i} wrap="truncate" color={i === 0 ? undefined : colour('gray')}>
          {line}
        </Text>
      ))}
      {props.readOnly ? <Text color={colour('yellow')} bold>{'READ-ONLY: upgrade, downgrade and stamp are disabled (started with --read-only)'}</Text> : null}
      <Text wrap="truncate" color={view.notice ? colour('yellow') : colour('gray')}>{view.notice ?? hints}</Text>
    </Box>
  );
}

/** Lines the table needs besides its rows: title, progress, header, details, read-only, hints. */
export const FLEET_CHROME = 12;
