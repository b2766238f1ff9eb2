import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXIT_DESCRIPTIONS } from '../src/cli/exit-codes.js';
import { keymapMarkdown } from '../src/tui/keymap.js';
import { ruleCatalogueMarkdown } from '../src/engine/index.js';
import { TABS } from '../src/tui/state.js';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

test('the README key table is the key registry', (t) => {
  t.true(readme.includes(keymapMarkdown()), 'regenerate the README table from keymapMarkdown()');
});

test('the README documents every exit code', (t) => {
  for (const [code] of EXIT_DESCRIPTIONS) t.regex(readme, new RegExp(`\\n\\| ${code} \\| `), `exit code ${code}`);
});

test('the README shows the two commands', (t) => {
  t.regex(readme, /npm install\nnpm start/);
  t.regex(readme, /npm test /);
});

test('the README rule catalogue is the lint rule definitions', (t) => {
  t.true(readme.includes(ruleCatalogueMarkdown()), 'regenerate the README catalogue from ruleCatalogueMarkdown()');
});

test('the README main screen shows every detail tab the TUI has', (t) => {
  const title = readme.split('Main screen (100×24):\n\n```\n')[1]?.split('\n')[0] ?? '';
  t.true(title.trimEnd().endsWith(TABS.join('  ')), `the screenshot's first line lists the tabs ${TABS.join(', ')}: ${title}`);
});
