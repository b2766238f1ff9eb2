import test from 'ava';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { makeFolder, pair } from './helpers/folders.js';
import { KEYS, openScreen } from './helpers/screen.js';

/**
 * A paste or fast typing arrives as one chunk with Enter and Backspace inside it; every text
 * field takes it as the keys it holds (each test writes the whole chunk in one write).
 */
const FOLDER = { ...pair('1'), ...pair('2', ['-- migrate:revises 1']) };

async function atDowngradeConfirm() {
  const s = await openScreen({ migrations: makeFolder(FOLDER) });
  const up = await cli(['--url', s.url, '--dir', s.dir, '--yes', 'upgrade']);
  if (up.code !== 0) throw new Error(up.stderr);
  await s.press('r');
  await s.waitFor('reloaded files and database state');
  await s.press('j');
  await s.waitFor(/1 step 1\n/);
  await s.press('d');
  await s.waitFor('Type the database name screen.sqlite and press enter to confirm:');
  return s;
}

for (const [title, chunk] of [
  ['the name and Enter', 'screen.sqlite\r'],
  ['a typo, Backspace, the rest and Enter', 'screen.sqx\x7flite\r'],
  ['two Backspaces (DEL and BS), CR LF', 'screenXY\x7f\b.sqlite\r\n'],
] as const) {
  test(`typed-name confirmation: one chunk holding ${title} confirms the downgrade`, async (t) => {
    const s = await atDowngradeConfirm();
    try {
      s.screen.stdin.write(chunk);
      const result = await s.waitFor(/downgrade to 1: done \(1 step\)/);
      t.regex(result, /now at: 1/);
      t.is(readdirSync(join(s.work, 'backups')).filter((f) => f.endsWith('.sqlite')).length, 1);
    } finally {
      await s.close();
    }
  });
}

test('typed-name confirmation: a pasted wrong name and Enter does not confirm; the field shows exactly the text', async (t) => {
  const s = await atDowngradeConfirm();
  try {
    s.screen.stdin.write('screen.sqlitX\r');
    await s.waitFor('> screen.sqlitX');
    s.screen.stdin.write('\x7f\x7fe');
    await s.waitFor(/> screen\.sqlie\W/);
    t.regex(s.frame(), /Downgrade screen\.sqlite to 1\?/, 'still asking');
    s.screen.stdin.write('\x7fte\r');
    await s.waitFor(/downgrade to 1: done \(1 step\)/);
    t.pass();
  } finally {
    await s.close();
  }
});

test('typed-name confirmation: enter on a wrong name says it does not match and names the one to type; the confirmation stays; the database is untouched', async (t) => {
  const s = await atDowngradeConfirm();
  try {
    s.screen.stdin.write('screen.db\r');
    const frame = await s.waitFor('"screen.db" does not match: type screen.sqlite exactly to confirm (esc cancels); nothing was run');
    t.regex(frame, /Downgrade screen\.sqlite to 1\?/, 'still on the confirmation');
    t.regex(frame, /> screen\.db/, 'the typed text kept');
    // Typing again clears the message; enter with nothing typed says so.
    s.screen.stdin.write('\x7f\x7f');
    await s.waitFor(/> screen\.\W/);
    t.notRegex(s.frame(), /does not match/);
    const status = JSON.parse((await cli(['--url', s.url, '--dir', s.dir, 'status', '--json'])).stdout) as { current: string[] };
    t.deepEqual(status.current, ['2'], 'nothing was reverted');
    t.false(existsSync(join(s.work, 'backups')) && readdirSync(join(s.work, 'backups')).length > 0, 'no backup taken');
  } finally {
    await s.close();
  }
});

test('prompt: a chunk with text, Tab, text and Enter fills both fields and submits', async (t) => {
  const s = await openScreen({ migrations: makeFolder(pair('1')) });
  try {
    // "n" and the whole form in one chunk: n opens the prompt, the rest is its text and keys.
    s.screen.stdin.write('nadd orderz\x7fs\tshop\r');
    const id = /revision (\d{14}) written/.exec(await s.waitFor(/revision \d{14} written/))![1]!;
    s.screen.stdin.write(KEYS.escape);
    await s.waitFor(`${id} (head) [shop] add orders`);
    t.pass();
  } finally {
    await s.close();
  }
});

test('search: "/" then a chunk with the query and Enter searches; keys typed fast on the main screen are separate keys', async (t) => {
  const s = await openScreen({ migrations: makeFolder(FOLDER) });
  try {
    await s.waitFor(/History \(2\)/);
    s.screen.stdin.write('/step_1\r');
    await s.waitFor(/1 match for "step_1"/);
    s.screen.stdin.write('kj');
    await s.waitFor(/1 step 1\n/);
    t.pass();
  } finally {
    await s.close();
  }
});
