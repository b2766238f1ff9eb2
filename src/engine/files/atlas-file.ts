import { problem, type FileProblem } from '../problems.js';
import { atlasDirective } from './atlas-sum.js';
import type { LineRange, SourceShape } from './source-types.js';

/**
 * What an Atlas migration file says about itself, read as Atlas reads it (ariga.io/atlas
 * sql/migrate/dir.go `LocalFile.Directive`, lex.go, cmd/atlas migrate.go `txmodeFor`):
 *   - File directives are the `--`/`#` comment lines at the very top of the file, and only when
 *     a blank line follows them (else they belong to the first statement and Atlas ignores them):
 *     `-- atlas:txmode none|file` (`all` is refused in a file, as Atlas refuses it),
 *     `-- atlas:checkpoint [tag]`, and `-- atlas:nolint …` (lint only: nothing to run).
 *   - `-- atlas:delimiter <d>` must be the file's first line, written exactly so; `\n`, `\r`,
 *     `\t` in it are escapes. Statements then end at `<d>` (outside quotes, parentheses and
 *     PostgreSQL dollar quotes; the delimiter wins over comments), and the rest of the file is
 *     read from the line after the directive.
 */
export interface AtlasFile {
  /** The text to split and run (the delimiter removed where it ends a statement); equal to the file when there is no delimiter. */
  readonly runText: string;
  readonly shape: SourceShape;
  /** `-- atlas:checkpoint` was among the file directives. */
  readonly checkpoint: boolean;
  readonly problems: FileProblem[];
}

/** Atlas's `LocalFile.comments()`: the header comments, or none when no blank line ends them. */
export function atlasHeaderComments(text: string): string[] {
  const comments: string[] = [];
  let content = text;
  while (content.startsWith('#') || content.startsWith('--')) {
    const idx = content.indexOf('\n');
    if (idx === -1) {
      comments.push(content);
      break;
    }
    comments.push(content.slice(0, idx).trim());
    content = content.slice(idx + 1);
  }
  if (!content.replace(/^[ \t]+/, '').startsWith('\n') && content !== '') return [];
  return comments;
}

/** The arguments of each file directive of that name. */
export function atlasFileDirectives(text: string, name: string): string[] {
  return atlasHeaderComments(text).flatMap((c) => {
    const d = atlasDirective(c, name);
    return d === null ? [] : [d];
  });
}

export function readAtlasFile(path: string, text: string): AtlasFile {
  const problems: FileProblem[] = [];
  const checkpoint = atlasFileDirectives(text, 'checkpoint').length > 0;
  let transactionOff: string | null = null;
  const modes = atlasFileDirectives(text, 'txmode');
  const lineOf = (directive: string) => 1 + text.split('\n').findIndex((l) => new RegExp(`atlas:${directive}\\b`).test(l));
  if (modes.length > 1) problems.push(problem('atlas-directive', path, lineOf('txmode'), `${modes.length} \`-- atlas:txmode\` directives (${modes.join(', ')}): Atlas refuses a file with more than one`, 'keep one: `-- atlas:txmode none` or `-- atlas:txmode file`'));
  else if (modes[0] === 'none') transactionOff = `\`-- atlas:txmode none\` (line ${lineOf('txmode')})`;
  else if (modes[0] === 'all') problems.push(problem('atlas-directive', path, lineOf('txmode'), '`-- atlas:txmode all` in a file: Atlas refuses it there (all is a setting of the whole run)', 'write `-- atlas:txmode file` (the default: the file runs in one transaction), or remove the line'));
  else if (modes[0] !== undefined && modes[0] !== 'file') problems.push(problem('atlas-directive', path, lineOf('txmode'), `unknown \`-- atlas:txmode ${modes[0]}\`: Atlas knows none and file`, 'write `-- atlas:txmode none` to run the file without a transaction, or `file` (the default)'));
  // Written at the top but not followed by a blank line: Atlas reads it as the first statement's comment, not a directive.
  if (modes.length === 0 && /^(?:(?:--|#)[^\n]*\n)*(?:--|#)[ \t]*atlas:txmode\b/.test(text)) {
    const crlf = text.includes('\r\n') ? ' (with CRLF line endings no line is blank to Atlas, which looks for "\\n\\n")' : '';
    problems.push(problem('atlas-directive', path, lineOf('txmode'), `\`atlas:txmode\` is not followed by a blank line${crlf}, so Atlas does not read it as a file directive (it belongs to the first statement): the file runs in a transaction, in Atlas and here`, crlf ? 'save the file with LF line endings, keeping a blank line after the file directives' : 'put a blank line after the file directives if the setting is meant', 'warning'));
  }

  const delimiter = atlasDirective(text, 'delimiter', '-- ');
  if (delimiter === null) return { runText: text, shape: transactionOff ? { transactionOff } : {}, checkpoint, problems };
  const newline = text.indexOf('\n');
  if (delimiter === '' || newline < 0) {
    problems.push(problem('atlas-directive', path, 1, delimiter === '' ? 'an empty `-- atlas:delimiter`' : `no SQL after \`-- atlas:delimiter ${delimiter}\``, 'write the delimiter after the directive (e.g. `-- atlas:delimiter $$`) and the statements below it'));
    return { runText: text, shape: {}, checkpoint, problems };
  }
  const delim = delimiter.replace(/\\n/g, '\n').replace(/\\r/g, '\r').replace(/\\t/g, '\t');
  const split = splitAtlasDelimited(text, newline + 1, delim);
  if (split.problem) problems.push(problem('atlas-delimiter', path, split.problem.line, split.problem.message, split.problem.hint));
  return { runText: split.runText, shape: { display: text, delimited: split.ranges, ...(transactionOff ? { transactionOff } : {}) }, checkpoint, problems };
}

interface DelimitedSplit {
  readonly runText: string;
  readonly ranges: LineRange[];
  readonly problem?: { line: number; message: string; hint: string };
}

const DOLLAR = /^\$([A-Za-z\u00c8-\u00ff_][\w\u00c8-\u00ff]*)?\$/;

/**
 * Atlas's scanner with a delimiter set (lex.go `stmt`): each statement becomes one line range,
 * run whole; the delimiter that ends it is blanked in the text (lines keep their numbers).
 */
export function splitAtlasDelimited(text: string, start: number, delim: string): DelimitedSplit {
  const run = text.split('');
  for (let i = 0; i < start; i++) if (run[i] !== '\n') run[i] = ' ';
  const lineAt = (offset: number) => 1 + countNewlines(text, offset);
  const ranges: LineRange[] = [];
  let i = start;
  let problemAt: DelimitedSplit['problem'];
  const endStatement = (from: number, to: number) => {
    const first = pastComments(text, from, to);
    if (first >= to) return;
    const last = from + text.slice(from, to).trimEnd().length - 1;
    const range = { from: lineAt(first), to: lineAt(last) };
    const previous = ranges[ranges.length - 1];
    if (previous && previous.to >= range.from && !problemAt) {
      problemAt = { line: range.from, message: `two statements on line ${range.from} (the delimiter ${JSON.stringify(delim)} ends one and the next starts on the same line)`, hint: 'put each statement on its own lines: migrate-tui runs the statements of a file with `-- atlas:delimiter` line by line as Atlas splits them' };
    }
    ranges.push(range);
  };
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    const from = i;
    let depth = 0;
    let end = -1;
    while (i < text.length) {
      const c = text[i]!;
      if (depth === 0 && text.startsWith(delim, i)) {
        for (let k = i; k < i + delim.length; k++) if (run[k] !== '\n') run[k] = ' ';
        end = i;
        i += delim.length;
        break;
      }
      if (c === '(') depth++;
      else if (c === ')') depth = Math.max(0, depth - 1);
      else if (c === "'" || c === '"' || c === '`') {
        const escaped = c === "'" && (text[i - 1] === 'E' || text[i - 1] === 'e');
        i++;
        while (i < text.length && text[i] !== c) i += escaped && text[i] === '\\' ? 2 : 1;
      } else if (c === '$' && DOLLAR.test(text.slice(i, i + 64))) {
        const tag = DOLLAR.exec(text.slice(i, i + 64))![0];
        const close = text.indexOf(tag, i + tag.length);
        i = close < 0 ? text.length : close + tag.length - 1;
      } else if (c === '-' && text[i + 1] === '-') {
        const nl = text.indexOf('\n', i);
        if (nl >= 0) i = nl - 1;
      } else if (c === '/' && text[i + 1] === '*') {
        const close = text.indexOf('*/', i + 2);
        if (close >= 0) i = close + 1;
      }
      i++;
    }
    endStatement(from, end < 0 ? Math.min(i, text.length) : end);
  }
  return { runText: run.join(''), ranges, ...(problemAt ? { problem: problemAt } : {}) };
}

/** The first offset in from…to that is not white space or a comment. */
function pastComments(text: string, from: number, to: number): number {
  let i = from;
  for (;;) {
    while (i < to && /\s/.test(text[i]!)) i++;
    if (text.startsWith('--', i)) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 || nl > to ? to : nl;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 || close + 2 > to ? to : close + 2;
    } else return i;
  }
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let k = text.indexOf('\n'); k >= 0 && k < end; k = text.indexOf('\n', k + 1)) n++;
  return n;
}
