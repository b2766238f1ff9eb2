import { describeDatabase, groupBackups, unfinishedMark, type BackupManifest, type DatabaseIdentity } from '../../engine/index.js';
import { Panel } from '../components/panel.js';
import { listKey, type FlowModule, type FlowViewProps, type KeyOutcome, type KeyPress } from './flow.js';

/**
 * Backups: the connected database's backups, newest first; `a` adds the other databases'
 * backups, grouped by database. Enter asks to restore the selected one.
 */

// State
export interface BackupsFlow {
  readonly kind: 'backups';
  /** Every backup in the folder, of every database. */
  readonly list: readonly BackupManifest[];
  readonly connected: DatabaseIdentity;
  /** Show the other databases' backups too. */
  readonly all: boolean;
  /** Index into `shownBackups`. */
  readonly selected: number;
  /** Enter on a backup: the opener guards --read-only and asks for the confirmation. */
  readonly onRestore: (backup: BackupManifest) => void;
}

export const backupsFlow = (list: readonly BackupManifest[], connected: DatabaseIdentity, onRestore: (backup: BackupManifest) => void): BackupsFlow => ({ kind: 'backups', list, connected, all: false, selected: 0, onRestore });

/** The groups shown, the connected database's first. */
const groupsOf = (state: BackupsFlow) => groupBackups(state.list, state.connected, state.all);

/** The selectable backups, in the order they are drawn. */
export const shownBackups = (state: BackupsFlow): BackupManifest[] => groupsOf(state).flatMap((g) => g.backups);

export function reduceBackups(state: BackupsFlow, action: { type: 'toggle-all' }): BackupsFlow {
  switch (action.type) {
    case 'toggle-all':
      return { ...state, all: !state.all, selected: 0 };
  }
}

// Keys
function onKey(state: BackupsFlow, { name }: KeyPress): KeyOutcome<BackupsFlow> {
  const shown = shownBackups(state);
  const backup = shown[state.selected];
  if (name === 'enter' && backup) return void state.onRestore(backup);
  if (name === 'a') return reduceBackups(state, { type: 'toggle-all' });
  return listKey(state, name, shown.length, ['escape', 'q', 'b']);
}

// View
function BackupsView({ flow, width, height, readOnly }: FlowViewProps<BackupsFlow>) {
  const groups = groupsOf(flow);
  const body: string[] = [];
  let index = 0;
  for (const g of groups) {
    body.push(`${g.current ? 'this database' : 'OTHER DATABASE'}: ${describeDatabase(g.database)} — ${g.backups.length} backup${g.backups.length === 1 ? '' : 's'}`);
    for (const b of g.backups) {
      body.push(`${index === flow.selected ? '>' : ' '} ${b.createdAt}  ${b.file.split('/').pop()}  at ${b.versionRows.join(', ') || 'base'}  ${b.size} bytes  ${b.reason}${unfinishedMark(b)}`);
      index++;
    }
    if (g.current && g.backups.length === 0) body.push('  no backups of this database yet (a downgrade takes one first)');
  }
  const others = groupBackups(flow.list, flow.connected, true).slice(1);
  if (!flow.all && others.length > 0) body.push('', `${others.reduce((n, g) => n + g.backups.length, 0)} backup(s) of ${others.length} other database(s) not shown: a shows them`);
  const keys = `j/k move · a ${flow.all ? 'this database only' : 'all databases'} · `;
  return <Panel title="Backups" body={body} footer={readOnly ? `${keys}esc closes (restore disabled: --read-only)` : `${keys}enter restore (asks) · esc closes`} width={width} height={height} />;
}

export const backups: FlowModule<BackupsFlow> = { onKey, View: BackupsView };
