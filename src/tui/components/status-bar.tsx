import { Box, Text } from 'ink';
import { columnsOf, cutStartToColumns, cutToColumns } from '../columns.js';
import { KEYMAP, type Scope } from '../keymap.js';
import { colour } from '../theme.js';

/** One status line (database, dialect, heads, pending, lock/dirty) and one line of key hints. */
export function StatusBar(props: { database: string; dialect: string; heads: readonly string[]; pending: number; dirty: boolean; lock?: 'held' | 'stale' | null; readOnly: boolean; scope: Scope; notice: string | null; width: number; notCreated?: boolean; missing?: readonly string[]; otherTool?: string | null }) {
  // A dirty database can only be resolved, so the way out is always on screen.
  const shown = KEYMAP.filter((b) => (b.hint || (props.dirty && b.action === 'resolve')) && b.scopes.includes(props.scope) && !(props.readOnly && b.mutates));
  const hints = fitHints(
    shown.map((b) => ({ text: `${b.keys[0]} ${b.short ?? b.label.split(' ')[0]}`, keep: b.action === 'help' || b.action === 'quit' || b.action === 'resolve' })),
    props.width,
  );
  // The embedded default before its first write: nothing exists yet, and the first write makes it.
  // An applied revision whose files are gone is not in the history pane: the line says so (as `status` does).
  const missing = props.missing ?? [];
  const headsShown = props.heads.map((h) => (missing.includes(h) ? `${h} (files missing)` : h));
  const missingBelow = missing.filter((m) => !props.heads.includes(m)).length;
  const at = props.notCreated ? 'no database yet: upgrade creates it' : `at ${headsShown.join(', ') || 'base'}${missingBelow > 0 ? ` · ${missingBelow} applied without files` : ''}`;
  // A long database path gives way (cut from the left) before what the state says.
  // First contact with a database another tool migrated: what that tool says, not migrate-tui's empty record.
  const rest = props.otherTool ? ` · ${props.dialect} · ${props.otherTool}` : ` · ${props.dialect} · ${at} · ${props.pending} pending`;
  // The lease row (servers without advisory locks): another run holds it, or its owner is gone (`status` says who).
  const lock = props.lock === 'stale' ? 'STALE LOCK ' : props.lock === 'held' ? 'LOCKED ' : '';
  const prefix = (props.dirty ? 6 : 0) + lock.length + (props.readOnly ? 10 : 0);
  const room = props.width - columnsOf(rest) - prefix;
  const database = columnsOf(props.database) <= room ? props.database : room >= 12 ? cutStartToColumns(props.database, room) : '';
  // In columns (a path or a revision in Chinese takes two a character): Ink's own truncate breaks on such a line.
  const state = cutToColumns(database ? `${database}${rest}` : rest.slice(3), props.width - prefix);
  return (
    <Box flexDirection="column" width={props.width}>
      <Text wrap="truncate">
        {props.dirty ? <Text color={colour('red')} bold>{'DIRTY '}</Text> : null}
        {lock ? <Text color={colour(props.lock === 'stale' ? 'red' : 'yellow')} bold>{lock}</Text> : null}
        {props.readOnly ? <Text color={colour('yellow')} bold>{'READ-ONLY '}</Text> : null}
        <Text>{state}</Text>
      </Text>
      <Text wrap="truncate" color={props.notice ? colour('yellow') : colour('gray')}>{cutToColumns(props.notice ?? hints, props.width)}</Text>
    </Box>
  );
}

/**
 * The key hints that fit one line: `? help`, `q quit` (and `R resolve` on a dirty database)
 * always stay; the others give way from the end of the list.
 */
export function fitHints(hints: ReadonlyArray<{ text: string; keep: boolean }>, width: number): string {
  const list = [...hints];
  const line = () => list.map((h) => h.text).join('  ');
  while (line().length > width) {
    const drop = list.map((h) => h.keep).lastIndexOf(false);
    if (drop < 0) break;
    list.splice(drop, 1);
  }
  return line();
}
