import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { DEFAULT_STATE_TABLES, parseDatabaseUrl, type LockLimits, type CapabilitySettings, type LintStore } from '../../src/engine/index.js';
import { App } from '../../src/tui/app.js';
import { TuiSession } from '../../src/tui/session.js';

/**
 * A screen under test: the real App on a real database, with a fake terminal of a given
 * size. After each key it waits until the frame shows what is expected (polling the frame,
 * bounded) — never a fixed sleep.
 */
/** ink-testing-library's terminal is 100 columns wide. */
export async function openScreen(options: { migrations: string; url?: string; width?: number; height?: number; readOnly?: boolean; variant?: 'main' | 'rollback'; embeddedDefault?: boolean; source?: string; lockLimits?: LockLimits; capabilities?: CapabilitySettings; lintStore?: LintStore; work?: string; schemaFile?: string }) {
  // `work`: the folder of an earlier screen (its migrations and database), opened again.
  const work = options.work ?? mkdtempSync(join(tmpdir(), 'migrate-tui-screen-'));
  const dir = join(work, 'migrations');
  if (!options.work) cpSync(options.migrations, dir, { recursive: true });
  const url = options.url ?? `sqlite:${join(work, 'screen.sqlite')}`;
  // The TUI refuses a missing SQLite file (looking never creates one), except the embedded
  // default's: a test's own file is made empty first (an empty file is an empty database).
  if (!options.url && !options.embeddedDefault && !options.work) writeFileSync(join(work, 'screen.sqlite'), '');
  const session = await TuiSession.open({
    dir,
    target: { ...parseDatabaseUrl(url, options.embeddedDefault ? 'the embedded default' : (options.source ?? 'test'), work), ...(options.capabilities ? { capabilities: options.capabilities, capabilitiesFrom: 'the test' } : {}) },
    tables: DEFAULT_STATE_TABLES,
    toolVersion: 'test',
    lockTimeoutMs: 5000,
    ...(options.lockLimits ? { lockLimits: options.lockLimits } : {}),
    backupDir: join(work, 'backups'),
    readOnly: options.readOnly ?? false,
    ...(options.lintStore ? { lintStore: options.lintStore } : {}),
    ...(options.schemaFile ? { schemaFile: { path: join(work, options.schemaFile), shown: options.schemaFile, lockWaitMs: 5000 } } : {}),
  });
  let quitSummary: string | null = null;
  const screen = render(
    createElement(App, { session, width: options.width ?? 100, height: options.height ?? 30, readOnly: options.readOnly ?? false, variant: options.variant ?? 'main', onQuit: (s: string) => (quitSummary = s) }),
  );
  const { frame, waitFor, press } = drive(screen);
  const close = async () => {
    screen.unmount();
    await session.close();
  };
  return { screen, session, frame, waitFor, press, close, work, dir, url, quitSummary: () => quitSummary };
}

/**
 * A screen's text with the panels' wrapping undone: borders and continuation indents gone,
 * lines joined with a space (panels break lines between words), runs of spaces as one.
 */
export function panelText(frame: string): string {
  return frame
    .split('\n')
    .map((l) => l.replace(/^\s*[│╭╰]/, '').replace(/[│╮╯]\s*$/, '').trim())
    .join(' ')
    .replace(/\s+/g, ' ');
}

export const KEYS = { down: '\u001B[B', up: '\u001B[A', enter: '\r', escape: '\u001B', tab: '\t', backspace: '\u007F' };

/** Reads frames and types keys on a rendered screen: waits poll the frame (bounded), never a fixed sleep. */
export function drive(screen: ReturnType<typeof render>) {
  const frame = () => screen.lastFrame() ?? '';
  const waitFor = async (expected: RegExp | string, what = String(expected)): Promise<string> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const f = frame();
      if (typeof expected === 'string' ? f.includes(expected) : expected.test(f)) return f;
      if (Date.now() > deadline) throw new Error(`the screen never showed ${what}; last frame:\n${f}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  /** Presses keys one at a time (as a person does). */
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      screen.stdin.write(key);
      await new Promise((r) => setImmediate(r));
    }
  };
  return { frame, waitFor, press };
}
