import type { BackupManifest } from '../../engine/index.js';
import { Panel } from '../components/panel.js';
import { listKey, type FlowModule, type FlowViewProps, type KeyOutcome, type KeyPress } from './flow.js';

/** Backups: the backups taken, newest first; enter asks to restore the selected one. */

// State
export interface BackupsFlow {
  readonly kind: 'backups';
  readonly list: readonly BackupManifest[];
  readonly selected: number;
  /** Enter on a backup: the opener guards --read-only and asks for the confirmation. */
  readonly onRestore: (backup: BackupManifest) => void;
}

export const backupsFlow = (list: readonly BackupManifest[], onRestore: (backup: BackupManifest) => void): BackupsFlow => ({ kind: 'backups', list, selected: 0, onRestore });

// Keys
function onKey(state: BackupsFlow, { name }: KeyPress): KeyOutcome<BackupsFlow> {
  const backup = state.list[state.selected];
  if (name === 'enter' && backup) return void state.onRestore(backup);
  return listKey(state, name, state.list.length, ['escape', 'q', 'b']);
}

// View
function BackupsView({ flow, width, height, readOnly }: FlowViewProps<BackupsFlow>) {
  const body =
    flow.list.length === 0
      ? ['no backups yet (a downgrade takes one first)']
      : flow.list.map((b, i) => `${i === flow.selected ? '>' : ' '} ${b.createdAt}  ${b.file.split('/').pop()}  at ${b.versionRows.join(', ') || 'base'}  ${b.size} bytes  ${b.reason}`);
  return <Panel title="Backups" body={body} footer={readOnly ? 'j/k move · esc closes (restore disabled: --read-only)' : 'j/k move · enter restore (asks) · esc closes'} width={width} height={height} />;
}

export const backups: FlowModule<BackupsFlow> = { onKey, View: BackupsView };
