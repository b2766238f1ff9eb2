import { Box, Text } from 'ink';
import type { LogRow } from '../../engine/index.js';
import { colour } from '../theme.js';

/** The on-call console's list: the last applied steps, newest first, and warnings on top. */
export function RollbackPane(props: { steps: readonly LogRow[]; selected: number; warnings: readonly string[]; messages: ReadonlyMap<string, string>; width: number; height: number }) {
  const room = Math.max(1, props.height - props.warnings.length - 3);
  const top = Math.max(0, Math.min(props.selected - room + 1, props.steps.length - room));
  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      {props.warnings.map((w, i) => (
        <Text key={i} color={colour('red')} bold wrap="truncate">{w}</Text>
      ))}
      <Text bold>{`Rollback console — last ${props.steps.length} applied step${props.steps.length === 1 ? '' : 's'}, newest first`}</Text>
      {props.steps.length === 0 ? <Text>nothing has been applied yet</Text> : null}
      {props.steps.slice(Math.max(0, top), Math.max(0, top) + room).map((r, k) => {
        const i = Math.max(0, top) + k;
        return (
          <Text key={r.id} inverse={i === props.selected} wrap="truncate">
            {`${i === 0 ? 'latest ' : '       '}${r.revision} ${props.messages.get(r.revision) ?? '(files missing)'} — by ${r.osUser}@${r.host}, ${r.startedAt.replace('T', ' ').slice(0, 19)}, ${r.durationMs ?? '?'} ms`}
          </Text>
        );
      })}
      <Box flexGrow={1} />
      <Text color={colour('gray')} wrap="truncate">d: roll back the latest step · t: roll back to before the selected step · b: backups · r: reload · q: quit</Text>
    </Box>
  );
}
