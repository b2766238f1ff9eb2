/**
 * One registry of key bindings: it feeds dispatch, the status bar hints, the `?` overlay and
 * the README's key table (lazygit's pattern). `mutates` marks what --read-only disables.
 */
export type Scope = 'browse' | 'search' | 'overlay' | 'confirm' | 'rollback';

export interface KeyBinding {
  readonly id: string;
  /** As typed: a character, or a name (`up`, `down`, `tab`, `enter`, `escape`, `ctrl-d`, `pageup`…). */
  readonly keys: readonly string[];
  readonly label: string;
  readonly group: 'navigate' | 'view' | 'act' | 'app';
  readonly scopes: readonly Scope[];
  readonly mutates?: boolean;
  /** Shown in the status bar hints. */
  readonly hint?: boolean;
}

export const KEYMAP: readonly KeyBinding[] = [
  { id: 'down', keys: ['j', 'down'], label: 'next revision', group: 'navigate', scopes: ['browse', 'rollback'], hint: true },
  { id: 'up', keys: ['k', 'up'], label: 'previous revision', group: 'navigate', scopes: ['browse', 'rollback'], hint: true },
  { id: 'top', keys: ['g', 'home'], label: 'first (newest)', group: 'navigate', scopes: ['browse'] },
  { id: 'bottom', keys: ['G', 'end'], label: 'last (oldest)', group: 'navigate', scopes: ['browse'] },
  { id: 'page-down', keys: ['ctrl-d', 'pagedown'], label: 'half a page down', group: 'navigate', scopes: ['browse'] },
  { id: 'page-up', keys: ['ctrl-u', 'pageup'], label: 'half a page up', group: 'navigate', scopes: ['browse'] },
  { id: 'search', keys: ['/'], label: 'search id, message, SQL', group: 'navigate', scopes: ['browse'], hint: true },
  { id: 'next-match', keys: ['n'], label: 'next match (after a search)', group: 'navigate', scopes: ['browse'] },
  { id: 'prev-match', keys: ['N'], label: 'previous match', group: 'navigate', scopes: ['browse'] },
  { id: 'tab', keys: ['tab'], label: 'next tab: up / down / diff / schema / info', group: 'view', scopes: ['browse'], hint: true },
  { id: 'focus', keys: ['enter'], label: 'focus the detail pane (scroll with j/k)', group: 'view', scopes: ['browse'] },
  { id: 'raw', keys: ['f'], label: 'formatted / raw file', group: 'view', scopes: ['browse'] },
  { id: 'log', keys: ['@'], label: 'command log (statements run this session)', group: 'view', scopes: ['browse', 'rollback'] },
  { id: 'upgrade', keys: ['u'], label: 'upgrade to the selected revision', group: 'act', scopes: ['browse'], mutates: true, hint: true },
  { id: 'upgrade-heads', keys: ['U'], label: 'upgrade to all heads', group: 'act', scopes: ['browse'], mutates: true },
  { id: 'downgrade', keys: ['d'], label: 'downgrade to the selected revision', group: 'act', scopes: ['browse'], mutates: true, hint: true },
  { id: 'rollback-latest', keys: ['d'], label: 'roll back the latest step', group: 'act', scopes: ['rollback'], mutates: true, hint: true },
  { id: 'rollback-to', keys: ['t'], label: 'roll back to the selected point', group: 'act', scopes: ['rollback'], mutates: true, hint: true },
  { id: 'stamp', keys: ['s'], label: 'stamp the selected revision (no SQL runs)', group: 'act', scopes: ['browse'], mutates: true },
  { id: 'merge', keys: ['m'], label: 'merge the heads (writes files)', group: 'act', scopes: ['browse'], mutates: true },
  { id: 'new', keys: ['n'], label: 'new revision (when no search is active)', group: 'act', scopes: ['browse'], mutates: true },
  { id: 'resolve', keys: ['R'], label: 'resolve a dirty database: resume / reverse / applied / reverted', group: 'act', scopes: ['browse', 'rollback'], mutates: true },
  { id: 'backups', keys: ['b'], label: 'backups: list and restore', group: 'act', scopes: ['browse', 'rollback'] },
  { id: 'reload', keys: ['r'], label: 'reload files and database state', group: 'app', scopes: ['browse', 'rollback'] },
  { id: 'help', keys: ['?'], label: 'this help', group: 'app', scopes: ['browse', 'rollback'], hint: true },
  { id: 'quit', keys: ['q'], label: 'quit', group: 'app', scopes: ['browse', 'rollback'], hint: true },
  { id: 'back', keys: ['escape'], label: 'close / cancel / leave the mode', group: 'app', scopes: ['browse', 'search', 'overlay', 'confirm', 'rollback'] },
];

/** The binding a key means in a scope (first match wins: registry order is priority). */
export function bindingFor(key: string, scope: Scope): KeyBinding | undefined {
  return KEYMAP.find((b) => b.scopes.includes(scope) && b.keys.includes(key));
}

/** Key name from Ink's input and key flags. */
export function keyName(input: string, key: { upArrow?: boolean; downArrow?: boolean; leftArrow?: boolean; rightArrow?: boolean; pageUp?: boolean; pageDown?: boolean; return?: boolean; escape?: boolean; tab?: boolean; ctrl?: boolean; backspace?: boolean; delete?: boolean; home?: boolean; end?: boolean }): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.tab) return 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && input) return `ctrl-${input}`;
  if (input === '\t') return 'tab';
  if (input === '\r' || input === '\n') return 'enter';
  if (input === '\x7f' || input === '\b') return 'backspace';
  return input;
}

/**
 * Ink hands over a whole chunk of input at once (fast typing, a paste, tmux send-keys):
 * outside text fields each character is its own key press.
 */
export function splitKeys(input: string): string[] {
  return input.length > 1 && !input.includes('\x1b') ? [...input] : [input];
}

/** Markdown table of every binding, for the README. */
export function keymapMarkdown(): string {
  const rows = KEYMAP.map((b) => `| ${b.keys.map((k) => `\`${k}\``).join(', ')} | ${b.label} | ${b.scopes.join(', ')}${b.mutates ? ' (disabled by --read-only)' : ''} |`);
  return ['| keys | action | where |', '|---|---|---|', ...rows].join('\n');
}
