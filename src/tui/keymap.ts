/**
 * One registry of key bindings: it feeds dispatch, the status bar hints, the `?` overlay and
 * the README's key table (lazygit's pattern). `mutates` marks what --read-only disables.
 * Each binding names its action; each screen that has a scope dispatches through a handler
 * map typed `KeyHandlers<scope>`, so a binding without its handler does not compile.
 */
export type Scope = 'browse' | 'search' | 'overlay' | 'confirm' | 'rollback' | 'fleet';

export interface KeyBinding {
  /** The action: the key of its handler in the scope's handler map. */
  readonly action: string;
  /** As typed: a character, or a name (`up`, `down`, `tab`, `enter`, `escape`, `ctrl-d`, `pageup`…). */
  readonly keys: readonly string[];
  readonly label: string;
  readonly group: 'navigate' | 'view' | 'act' | 'app';
  readonly scopes: readonly Scope[];
  readonly mutates?: boolean;
  /** Shown in the status bar hints. */
  readonly hint?: boolean;
  /** The status bar's word for it (default: the label's first word). */
  readonly short?: string;
  /** Bound only while a search has matches to step through (else the key falls to the next binding). */
  readonly afterSearch?: boolean;
  /** What a --read-only refusal calls it, when not the label. */
  readonly name?: string;
}

const BINDINGS = [
  { action: 'down', keys: ['j', 'down'], label: 'next revision', short: 'next', group: 'navigate', scopes: ['browse', 'rollback'], hint: true },
  { action: 'up', keys: ['k', 'up'], label: 'previous revision', short: 'prev', group: 'navigate', scopes: ['browse', 'rollback'], hint: true },
  { action: 'top', keys: ['g', 'home'], label: 'first (newest)', group: 'navigate', scopes: ['browse'] },
  { action: 'bottom', keys: ['G', 'end'], label: 'last (oldest)', group: 'navigate', scopes: ['browse'] },
  { action: 'page-down', keys: ['ctrl-d', 'pagedown'], label: 'half a page down', group: 'navigate', scopes: ['browse'] },
  { action: 'page-up', keys: ['ctrl-u', 'pageup'], label: 'half a page up', group: 'navigate', scopes: ['browse'] },
  { action: 'search', keys: ['/'], label: 'search id, message, SQL', group: 'navigate', scopes: ['browse'], hint: true },
  { action: 'next-match', keys: ['n'], label: 'next match (after a search)', group: 'navigate', scopes: ['browse'], afterSearch: true },
  { action: 'prev-match', keys: ['N'], label: 'previous match', group: 'navigate', scopes: ['browse'] },
  { action: 'tab', keys: ['tab'], label: 'next tab: up / down / diff / schema / info / lint', group: 'view', scopes: ['browse'], hint: true },
  { action: 'focus', keys: ['enter'], label: 'focus the detail pane (scroll with j/k)', group: 'view', scopes: ['browse'] },
  { action: 'raw', keys: ['f'], label: 'formatted / raw file', group: 'view', scopes: ['browse'] },
  { action: 'trial', keys: ['t'], label: 'diff and schema tabs: rehearse the revision (schema before/after; a copy or a rolled-back transaction)', group: 'view', scopes: ['browse'], mutates: true, name: 'schema rehearsal' },
  { action: 'log', keys: ['@'], label: 'command log (statements run this session)', group: 'view', scopes: ['browse', 'rollback'] },
  { action: 'upgrade', keys: ['u'], label: 'upgrade to the selected revision', group: 'act', scopes: ['browse'], mutates: true, hint: true },
  { action: 'upgrade-heads', keys: ['U'], label: 'upgrade to all heads', group: 'act', scopes: ['browse'], mutates: true },
  { action: 'downgrade', keys: ['d'], label: 'downgrade to the selected revision', group: 'act', scopes: ['browse'], mutates: true, hint: true },
  { action: 'rollback-latest', keys: ['d'], label: 'roll back the latest step', short: 'undo last', group: 'act', scopes: ['rollback'], mutates: true, hint: true },
  { action: 'rollback-to', keys: ['t'], label: 'roll back to the selected point', short: 'undo to here', group: 'act', scopes: ['rollback'], mutates: true, hint: true },
  { action: 'toggle-reverted', keys: ['a'], label: 'show / hide the steps reverted since (marked REVERTED)', group: 'view', scopes: ['rollback'] },
  { action: 'stamp', keys: ['s'], label: 'stamp the selected revision (no SQL runs)', group: 'act', scopes: ['browse'], mutates: true },
  { action: 'merge', keys: ['m'], label: 'merge the heads (writes files)', group: 'act', scopes: ['browse'], mutates: true },
  { action: 'new', keys: ['n'], label: 'new revision (when no search is active)', group: 'act', scopes: ['browse'], mutates: true, name: 'new revision' },
  { action: 'resolve', keys: ['R'], label: 'resolve a dirty database: resume / reverse / applied / reverted', group: 'act', scopes: ['browse', 'rollback'], mutates: true },
  { action: 'backups', keys: ['b'], label: 'backups: list and restore', group: 'act', scopes: ['browse', 'rollback'] },
  { action: 'verify', keys: ['V'], label: 'verify: every revision up, down, up again on scratch databases (matrix revision × dialect)', group: 'act', scopes: ['browse'] },
  { action: 'verify-one', keys: ['v'], label: 'verify this revision: up, down, up again on scratch databases only', group: 'act', scopes: ['browse'] },
  { action: 'next-finding', keys: [']', 'ctrl-n'], label: 'confirmation: focus the next lint finding (▶)', short: 'finding', group: 'act', scopes: ['confirm'], hint: true },
  { action: 'prev-finding', keys: ['[', 'ctrl-p'], label: 'confirmation: focus the previous lint finding', group: 'act', scopes: ['confirm'] },
  { action: 'show-fix', keys: ['f', 'ctrl-f'], label: 'confirmation: the ▶ finding\'s suggested fix (ctrl- while typing)', short: 'fix', group: 'act', scopes: ['confirm'], hint: true },
  { action: 'target-down', keys: ['j', 'down'], label: 'next target', short: 'next', group: 'navigate', scopes: ['fleet'] },
  { action: 'target-up', keys: ['k', 'up'], label: 'previous target', short: 'prev', group: 'navigate', scopes: ['fleet'] },
  { action: 'select', keys: ['space'], label: 'select / unselect the target (actions take the selection, else every target)', short: 'select', group: 'act', scopes: ['fleet'], hint: true },
  { action: 'select-all', keys: ['a'], label: 'select every target / none', short: 'all', group: 'act', scopes: ['fleet'], hint: true },
  { action: 'open', keys: ['enter'], label: 'open the target in the one-database view (q there comes back)', short: 'open', group: 'view', scopes: ['fleet'], hint: true },
  { action: 'fleet-upgrade', keys: ['u', 'U'], label: 'upgrade the selected targets (or all) to heads, stage by stage', short: 'upgrade', group: 'act', scopes: ['fleet'], mutates: true, hint: true, name: 'fleet upgrade' },
  { action: 'fleet-downgrade', keys: ['d'], label: 'downgrade the selected targets (or all) to a revision, each after its own backup', short: 'downgrade', group: 'act', scopes: ['fleet'], mutates: true, hint: true, name: 'fleet downgrade' },
  { action: 'fleet-stamp', keys: ['s'], label: 'stamp the selected targets (or all) to a revision (no SQL runs)', short: 'stamp', group: 'act', scopes: ['fleet'], mutates: true, name: 'fleet stamp' },
  { action: 'reload', keys: ['r'], label: 'reload files and database state', group: 'app', scopes: ['browse', 'rollback', 'fleet'] },
  { action: 'help', keys: ['?'], label: 'this help', short: 'help', group: 'app', scopes: ['browse', 'rollback', 'fleet'], hint: true },
  { action: 'quit', keys: ['q'], label: 'quit (a target opened from the fleet view: back to the table)', group: 'app', scopes: ['browse', 'rollback', 'fleet'], hint: true },
  { action: 'back', keys: ['escape'], label: 'close / cancel / leave the mode (fleet: clear the selection)', group: 'app', scopes: ['browse', 'search', 'overlay', 'confirm', 'rollback', 'fleet'] },
] as const satisfies readonly KeyBinding[];

/**
 * The keys of resolve's choices (after R): each option's own key in its chooser, and what the
 * TUI's hints name instead of the CLI's `resolve --resume|--reverse|--applied|--reverted`.
 */
export const RESOLVE_CHOICE_KEYS = { resume: 'r', resumeAfter: 'e', resumeAt: 'n', reverse: 'v', applied: 'a', reverted: 'x', fromFile: 'f', fromLog: 'l' } as const;

/** The registry, in priority order. */
export const KEYMAP: readonly KeyBinding[] = BINDINGS;

type Entry = (typeof BINDINGS)[number];
/** Every action of the registry. */
export type KeyAction = Entry['action'];
/** The actions bound in a scope. */
export type ActionIn<S extends Scope> = Entry extends infer E ? (E extends { action: infer A; scopes: readonly (infer T)[] } ? (S extends T ? A : never) : never) : never;
/** One handler per action of a scope: adding a binding without its handler is a compile error. */
export type KeyHandlers<S extends Scope, Args extends unknown[]> = { readonly [A in ActionIn<S>]: (...args: Args) => void };

/** The first key of an action, as its lines and footers name it (never a literal that could drift from the registry). */
export function keyOf(action: KeyAction): string {
  return KEYMAP.find((b) => b.action === action)!.keys[0]!;
}

/** The binding a key means in a scope (first match wins: registry order is priority). */
export function bindingFor<S extends Scope>(key: string, scope: S, searchActive = false): (KeyBinding & { action: ActionIn<S> }) | undefined {
  return KEYMAP.find((b) => b.scopes.includes(scope) && b.keys.includes(key) && (searchActive || !b.afterSearch)) as (KeyBinding & { action: ActionIn<S> }) | undefined;
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
  if (input === ' ') return 'space';
  if (input === '\t') return 'tab';
  if (input === '\r' || input === '\n') return 'enter';
  if (input === '\x7f' || input === '\b') return 'backspace';
  return input;
}

/** A key press taken out of a chunk of input: its name (`keyName`'s) and the text it carries. */
export interface ChunkKey {
  readonly name: string;
  readonly input: string;
}

/** Control characters that arrive inside a chunk (a paste, fast typing, tmux send-keys), by name. */
function controlName(c: string): string {
  if (c === '\r' || c === '\n' || c === '\r\n') return 'enter';
  if (c === '\x7f' || c === '\b') return 'backspace';
  if (c === '\t') return 'tab';
  return `ctrl-${String.fromCharCode(c.charCodeAt(0) + 96)}`;
}

/**
 * Ink hands over a whole chunk of input at once when it comes faster than it reads (fast
 * typing, a paste, tmux send-keys): "mydb\r" or "myx\x7fdb\r" is one event. It becomes key
 * presses: each control character its own key (enter, backspace, tab, ctrl-…); a run of text
 * is one piece of text while `typing()` (a text field has the focus), else one key per
 * character. `typing` is asked again before each piece: a key may open a text field (`/`).
 * Escape sequences (arrows…) are separate events already (Ink's input parser).
 */
export function chunkKeys(input: string, typing: () => boolean, press: (key: ChunkKey) => void): void {
  for (const token of input.match(/\r\n|[\x00-\x1f\x7f]|[^\x00-\x1f\x7f]+/g) ?? []) {
    if (/^[\x00-\x1f\x7f]|^\r\n$/.test(token)) {
      press({ name: controlName(token), input: '' });
      continue;
    }
    let rest = [...token];
    while (rest.length > 0) {
      if (typing()) {
        const text = rest.join('');
        press({ name: rest.length === 1 ? text : 'text', input: text });
        break;
      }
      press({ name: rest[0] === ' ' ? 'space' : rest[0]!, input: rest[0]! });
      rest = rest.slice(1);
    }
  }
}

/** Markdown table of every binding, for the README. */
export function keymapMarkdown(): string {
  const rows = KEYMAP.map((b) => `| ${b.keys.map((k) => `\`${k}\``).join(', ')} | ${b.label} | ${b.scopes.join(', ')}${b.mutates ? ' (disabled by --read-only)' : ''} |`);
  return ['| keys | action | where |', '|---|---|---|', ...rows].join('\n');
}
