import test from 'ava';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { columnsOf, cutStartToColumns, cutToColumns, fitColumns, splitAtColumns, splitAtWord } from '../src/tui/columns.js';
import { wrapLines } from '../src/tui/components/panel.js';
import { plainHistoryPane } from '../src/tui/history-text.js';
import { openScreen } from './helpers/screen.js';

/**
 * Messages and SQL in Chinese, Japanese or emoji take two terminal columns a character. Cut by
 * length they overflowed their pane: Ink wrapped the rows, the frame grew taller than the
 * terminal and the history's title went off the top (seen in tmux at 100×20).
 */
const CJK = '添加用户表和订单表以及更多的中文描述文字使得这一行很长很长很长很长很长';

function wideFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-wide-'));
  for (const k of [1, 2, 3]) {
    writeFileSync(join(dir, `${k}_${CJK}_${k}.up.sql`), `-- ${CJK}\nCREATE TABLE t${k} (id int);\n`);
    writeFileSync(join(dir, `${k}_${CJK}_${k}.down.sql`), `DROP TABLE t${k};\n`);
  }
  return dir;
}

test('the screen at 100×20 with Chinese messages: the title on the first line, one line a revision, no line wider than the screen', async (t) => {
  const s = await openScreen({ migrations: wideFolder(), width: 100, height: 20, readOnly: true });
  try {
    const frame = await s.waitFor('History (3)');
    const lines = frame.split('\n');
    t.regex(lines[0]!, /^History \(3\)/);
    t.regex(lines[1]!, /3 \(head\) 添加用户表/);
    t.regex(lines[2]!, /\* 2 添加用户表/);
    t.regex(lines[3]!, /\* 1 添加用户表/);
    t.true(lines.length <= 20, `${lines.length} lines`);
    for (const line of lines) t.true(columnsOf(line) <= 100, line);
  } finally {
    await s.close();
  }
});

test('the status line with a database path in Chinese at 80 columns: the path cut from the left in columns, the state kept, the screen whole', async (t) => {
  const folder = join(mkdtempSync(join(tmpdir(), 'migrate-tui-wide-db-')), '数据库目录很长的名字用于测试状态栏的截断行为是否正确处理宽字符');
  mkdirSync(folder);
  const file = join(folder, '数据库文件名字也很长很长很长很长.db');
  writeFileSync(file, '');
  const s = await openScreen({ migrations: wideFolder(), url: `sqlite:${file}`, width: 80, height: 16, readOnly: true });
  try {
    const frame = await s.waitFor('pending');
    const lines = frame.split('\n');
    t.regex(lines[0]!, /^History \(3\)/);
    const status = lines.find((l) => l.includes('pending'))!;
    t.regex(status, /^READ-ONLY …\S*很长\.db · sqlite · at base · 3 pending$/);
    for (const line of lines) t.true(columnsOf(line) <= 80, line);
  } finally {
    await s.close();
  }
});

test('the early history with Chinese messages: each row within the pane, in columns', (t) => {
  const line = (id: string) => ({ graph: '*', id, message: CJK, labels: [], applied: false, current: false, head: false, drift: false, dirty: false, gap: false });
  const strip = (text: string) => text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  for (const row of plainHistoryPane([line('2'), line('1')], 0, 5, 45)) t.true(columnsOf(strip(row)) <= 45, row);
});

test('cutToColumns, fitColumns, splitAtColumns and wrapLines count columns: never wider than asked, never a character split', (t) => {
  t.is(cutToColumns('abcdef', 4), 'abc…');
  t.is(cutToColumns('abc', 4), 'abc');
  t.is(cutToColumns('添加用户表', 6), '添加…');
  t.is(fitColumns('添加', 6), '添加  ');
  t.deepEqual(splitAtColumns('a😀b', 2), ['a', '😀b']);
  t.is(cutStartToColumns('/数据/库.db', 7), '…/库.db');
  t.is(cutStartToColumns('/数据/库.db', 6), '…库.db');
  t.deepEqual(wrapLines(['添加用户表和订单'], 6), ['添加用', '  户表', '  和订', '  单']);
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.integer({ min: 1, max: 30 }), (text, columns) => {
      const cut = cutToColumns(text, columns);
      const [head, rest] = splitAtColumns(text, columns);
      return columnsOf(cut) <= columns && columnsOf(cutStartToColumns(text, columns)) <= columns && head + rest === text && columnsOf(head) <= columns && wrapLines([text], Math.max(4, columns)).every((l) => columnsOf(l) <= Math.max(4, columns));
    }),
    // Enough runs to meet a combining mark (it once slipped through 100 in a full run).
    { numRuns: 3000 },
  );
  // A combining accent takes no column: 'A' + U+0300 is one column wide, as string-width counts it.
  t.is(columnsOf('A\u0300ሀ'), 2);
  // The fast path agrees with string-width on every printable character below U+0100.
  for (let code = 0x20; code <= 0xff; code++) if (code < 0x7f || code >= 0xa0) t.is(columnsOf(String.fromCharCode(code)), columnsOf(`${String.fromCharCode(code)}ሀ`) - 1, code.toString(16));
});

test('wrapLines breaks a panel line between words ("migra" / "ted" read as two words at 3 a.m.); a word wider than the pane is still cut', (t) => {
  t.deepEqual(wrapLines(['OTHER: golang-migrate (schema_migrations: version 2) was migrated by it'], 30), [
    'OTHER: golang-migrate',
    '  (schema_migrations: version',
    '  2) was migrated by it',
  ]);
  t.deepEqual(splitAtWord('    indented words here', 8), ['    inde', 'nted words here']);
  t.deepEqual(splitAtWord('abcdefghij klm', 4), ['abcd', 'efghij klm']);
  fc.assert(
    fc.property(fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 15 }), fc.integer({ min: 12, max: 40 }), (words, width) => {
      const lines = wrapLines([words.join(' ')], width);
      // Every line fits, and the words come back whole and in order (no word is wider than a continuation's room here).
      return lines.every((l) => columnsOf(l) <= width) && lines.map((l) => l.trim()).join(' ') === words.join(' ');
    }),
  );
});
