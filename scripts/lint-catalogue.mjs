// Rewrites the README's lint rule catalogue from the rule definitions (after `npm run build`):
// `node scripts/lint-catalogue.mjs`. test/readme.test.ts fails until the two are equal.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ruleCatalogueMarkdown } from '../dist/src/engine/index.js';

const path = fileURLToPath(new URL('../README.md', import.meta.url));
const start = '<!-- lint-catalogue:start -->';
const end = '<!-- lint-catalogue:end -->';
const text = readFileSync(path, 'utf8');
if (!text.includes(start) || !text.includes(end)) throw new Error(`README.md has no ${start} … ${end} markers`);
writeFileSync(path, text.slice(0, text.indexOf(start) + start.length) + '\n' + ruleCatalogueMarkdown() + '\n' + text.slice(text.indexOf(end)));
