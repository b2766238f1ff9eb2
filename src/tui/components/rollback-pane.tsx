import { Box, Text } from 'ink';
import { whoAndWhen, type AppliedStep } from '../../engine/index.js';
import { colour } from '../theme.js';

/**
 * The on-call console's list: a dirty step first when there is one, warnings, then the
 * applied steps, newest first (steps reverted since, when shown, marked REVERTED).
 */
export function RollbackPane(props: {
  steps: readonly AppliedStep[];
  selected: number;
  lead: readonly string[];
  warnings: readonly string[];
  messages: ReadonlyMap<string, string>;
  footer: string;
  width: number;
  height: number;
}) {
  const standing = props.steps.filter((s) => s.standing).length;
  const reverted = props.steps.length - standing;
  const room = Math.max(1, props.height - props.lead.length - props.warnings.length - 3);
  const top = Math.max(0, Math.min(props.selected - room + 1, props.steps.length - room));
  const latest = props.steps.findIndex((s) => s.standing);
  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      {props.lead.map((w, i) => (
        <Text key={`lead${i}`} color={colour('red')} bold inverse={i === 0} wrap="truncate">{w}</Text>
      ))}
      {props.warnings.map((w, i) => (
        <Text key={i} color={colour('red')} bold wrap="truncate">{w}</Text>
      ))}
      <Text bold>{`Rollback console — last ${standing} applied step${standing === 1 ? '' : 's'}${reverted > 0 ? ` and ${reverted} reverted since` : ''}, newest first`}</Text>
      {props.steps.length === 0 ? <Text>nothing has been applied yet</Text> : null}
      {props.steps.slice(Math.max(0, top), Math.max(0, top) + room).map(({ row: r, standing: stands, revertedBy }, k) => {
        const i = Math.max(0, top) + k;
        const fate = stands ? '' : `REVERTED${revertedBy ? ` ${revertedBy.startedAt.replace('T', ' ').slice(0, 19)}` : ' (applied again later)'} · `;
        // A stamp (the take-over from another tool) ran nothing: its "0 ms" alone read like an upgrade.
        const how = r.kind === 'migrate' ? '' : r.kind === 'stamp' ? 'stamped, no SQL ran · ' : `${r.kind} · `;
        return (
          <Text key={r.id} inverse={i === props.selected} dimColor={!stands} wrap="truncate">
            {`${i === latest ? 'latest ' : '       '}${r.revision} ${props.messages.get(r.revision) ?? '(files missing)'} — ${fate}${how}${whoAndWhen(r, time)}`}
          </Text>
        );
      })}
      <Box flexGrow={1} />
      <Text color={colour('gray')} wrap="truncate">{props.footer}</Text>
    </Box>
  );
}

/** Times in the console: to the second, without the ISO `T`. */
const time = (iso: string) => iso.replace('T', ' ').slice(0, 19);
