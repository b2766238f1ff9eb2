import type { DialectName } from './dialects/dialect.js';
import { findDialect, knownDialectSpellings } from './dialects/registry.js';
import { problem, type FileProblem } from './problems.js';

/**
 * One `.up.sql`, `.down.sql` or seed file, read into lines with every line classified:
 * a directive, text for every dialect, or text of one section of a dialect block.
 * Resolving for a dialect blanks the lines it does not run, so line numbers stay exact.
 */

export type SectionName = DialectName | 'default';

/** A `-- migrate:<name> <value>` header line of an up file. */
export interface HeaderDirective {
  readonly name: HeaderName;
  readonly value: string;
  readonly line: number;
}

export const HEADER_NAMES = ['revises', 'depends-on', 'branch', 'message', 'transaction', 'irreversible'] as const;
export type HeaderName = (typeof HEADER_NAMES)[number];

export type SourceKind = 'up' | 'down' | 'seed';

interface Section {
  readonly names: readonly SectionName[];
  readonly line: number;
}

interface Block {
  readonly line: number;
  readonly sections: Section[];
}

/** Per line: -1 directive, -2 common text, else `blockIndex * 1024 + sectionIndex`. */
const DIRECTIVE = -1;
const COMMON = -2;
const SECTIONS_PER_BLOCK = 1024;

export interface SqlSource {
  readonly path: string;
  readonly kind: SourceKind;
  readonly lines: readonly string[];
  readonly headers: readonly HeaderDirective[];
  readonly problems: readonly FileProblem[];
  /** True when some line outside directives is neither blank nor a `--` comment. */
  readonly hasContent: boolean;
  /** For every block: the section name that a dialect runs (its own, a fallback, `default`), or null. */
  sectionChoice(dialect: DialectName): Array<{ blockLine: number; section: SectionName | null }>;
  /** The file's lines with everything this dialect does not run blanked out. */
  resolvedLines(dialect: DialectName): string[];
  /** Only the lines this dialect runs (no directives), for checksums. */
  selectedLines(dialect: DialectName): string[];
}

const DIRECTIVE_RE = /^\s*--\s*migrate:\s*([A-Za-z][A-Za-z-]*)(?:\s+(.*?))?\s*$/;

/** Known names, to suggest the right spelling of a typo. */
const ALL_DIRECTIVES = [...HEADER_NAMES, 'dialect', 'end'];

export function parseSqlSource(path: string, text: string, kind: SourceKind): SqlSource {
  const lines = splitLines(text);
  const owner = new Int32Array(lines.length);
  const blocks: Block[] = [];
  const headers: HeaderDirective[] = [];
  const problems: FileProblem[] = [];
  let openBlock: Block | null = null;
  let sawSql = false;
  let hasContent = false;

  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const lineNo = i + 1;
    const match = DIRECTIVE_RE.exec(text);
    if (!match) {
      owner[i] = openBlock ? (blocks.length - 1) * SECTIONS_PER_BLOCK + openBlock.sections.length - 1 : COMMON;
      const trimmed = text.trim();
      if (trimmed !== '' && !trimmed.startsWith('--')) {
        sawSql = true;
        hasContent = true;
      }
      continue;
    }
    owner[i] = DIRECTIVE;
    const name = match[1]!.toLowerCase();
    const value = (match[2] ?? '').trim();

    if (name === 'dialect') {
      const names = parseSectionNames(value, path, lineNo, problems);
      if (!openBlock) {
        openBlock = { line: lineNo, sections: [] };
        blocks.push(openBlock);
      }
      for (const n of names) {
        const earlier = openBlock.sections.find((s) => s.names.includes(n));
        if (earlier) {
          problems.push(
            problem(
              'duplicate-dialect-in-block',
              path,
              lineNo,
              `dialect "${n}" is named twice in the block that starts at line ${openBlock.line} (first at line ${earlier.line})`,
              `give each dialect one section per block; merge the two sections or end the block with \`-- migrate:end\` before starting another`,
            ),
          );
        }
      }
      if (openBlock.sections.length >= SECTIONS_PER_BLOCK - 1) {
        problems.push(problem('bad-header-value', path, lineNo, 'too many sections in one block', 'split the block'));
        continue;
      }
      openBlock.sections.push({ names, line: lineNo });
      continue;
    }

    if (name === 'end') {
      if (!openBlock) {
        problems.push(
          problem(
            'end-without-block',
            path,
            lineNo,
            '`-- migrate:end` without a `-- migrate:dialect` block to end',
            'remove this line, or start the block with `-- migrate:dialect <name>` above it',
          ),
        );
      }
      openBlock = null;
      continue;
    }

    if ((HEADER_NAMES as readonly string[]).includes(name)) {
      const header = name as HeaderName;
      if (kind !== 'up') {
        problems.push(
          problem(
            'header-outside-up-file',
            path,
            lineNo,
            `\`-- migrate:${header}\` is a header and only means something in an .up.sql file`,
            kind === 'down' ? 'move it to the top of the matching .up.sql' : 'remove it; seed files take only dialect blocks',
          ),
        );
      } else if (sawSql || openBlock) {
        problems.push(
          problem(
            'misplaced-header',
            path,
            lineNo,
            `\`-- migrate:${header}\` comes after SQL; headers must be at the top of the file`,
            'move this line above the first SQL statement',
          ),
        );
      } else if (headers.some((h) => h.name === header)) {
        const first = headers.find((h) => h.name === header)!;
        problems.push(
          problem(
            'duplicate-header',
            path,
            lineNo,
            `\`-- migrate:${header}\` appears twice (first at line ${first.line})`,
            header === 'revises' || header === 'depends-on' || header === 'branch'
              ? `list every value on one line, separated by commas: \`-- migrate:${header} a, b\``
              : 'keep one of the two lines',
          ),
        );
      } else {
        headers.push({ name: header, value, line: lineNo });
      }
      continue;
    }

    problems.push(unknownDirective(name, path, lineNo));
  }

  if (openBlock) {
    problems.push(
      problem(
        'unterminated-block',
        path,
        openBlock.line,
        'this `-- migrate:dialect` block is never closed',
        'add a `-- migrate:end` line after the last section of the block',
      ),
    );
  }

  /** Per dialect and block: the index of the section that runs (-1: none) and the name that chose it. */
  const choiceCache = new Map<DialectName, { index: Int32Array; matched: Array<SectionName | null> }>();
  const chosen = (dialect: DialectName) => {
    let choice = choiceCache.get(dialect);
    if (!choice) {
      const index = new Int32Array(blocks.length).fill(-1);
      const matched: Array<SectionName | null> = blocks.map(() => null);
      const preference: SectionName[] = [...findDialect(dialect)!.sectionPreference, 'default'];
      blocks.forEach((block, b) => {
        for (const wanted of preference) {
          const at = block.sections.findIndex((s) => s.names.includes(wanted));
          if (at >= 0) {
            index[b] = at;
            matched[b] = wanted;
            return;
          }
        }
      });
      choice = { index, matched };
      choiceCache.set(dialect, choice);
    }
    return choice;
  };
  const chosenSections = (dialect: DialectName) => chosen(dialect).index;
  const runs = (i: number, choice: Int32Array): boolean => {
    const o = owner[i]!;
    if (o === COMMON) return true;
    if (o === DIRECTIVE) return false;
    return choice[Math.floor(o / SECTIONS_PER_BLOCK)] === o % SECTIONS_PER_BLOCK;
  };

  return {
    path,
    kind,
    lines,
    headers,
    problems,
    hasContent,
    sectionChoice(dialect) {
      const { matched } = chosen(dialect);
      return blocks.map((block, b) => ({ blockLine: block.line, section: matched[b]! }));
    },
    resolvedLines(dialect) {
      const choice = chosenSections(dialect);
      return lines.map((line, i) => (runs(i, choice) ? line : ''));
    },
    selectedLines(dialect) {
      const choice = chosenSections(dialect);
      const out: string[] = [];
      for (let i = 0; i < lines.length; i++) if (runs(i, choice)) out.push(lines[i]!);
      return out;
    },
  };
}

function parseSectionNames(value: string, path: string, line: number, problems: FileProblem[]): SectionName[] {
  const names: SectionName[] = [];
  const parts = value.split(',').map((s) => s.trim());
  if (value === '' || parts.some((p) => p === '')) {
    problems.push(
      problem(
        'unknown-dialect',
        path,
        line,
        '`-- migrate:dialect` needs one or more dialect names',
        `write e.g. \`-- migrate:dialect postgres\` or \`-- migrate:dialect mysql, sqlite\`; names: ${knownDialectSpellings()}, default`,
      ),
    );
  }
  for (const part of parts) {
    if (part === '') continue;
    if (part.toLowerCase() === 'default') {
      names.push('default');
      continue;
    }
    const dialect = findDialect(part);
    if (!dialect) {
      problems.push(
        problem(
          'unknown-dialect',
          path,
          line,
          `unknown dialect "${part}"`,
          `use one of: ${knownDialectSpellings()}, default`,
        ),
      );
      continue;
    }
    names.push(dialect.name);
  }
  return names;
}

function unknownDirective(name: string, path: string, line: number): FileProblem {
  let hint: string;
  if (name === 'up' || name === 'down') {
    hint =
      'this looks like a dbmate file with both directions in one file; migrate-tui reads paired files: put the up SQL in <version>_<slug>.up.sql and the down SQL in <version>_<slug>.down.sql';
  } else {
    const near = closest(name, ALL_DIRECTIVES);
    hint = near
      ? `did you mean \`-- migrate:${near}\`? If this is a plain comment, drop the colon after "migrate"`
      : `known directives: ${ALL_DIRECTIVES.join(', ')}; for a plain comment, drop the colon after "migrate"`;
  }
  return problem('unknown-header', path, line, `unknown directive \`-- migrate:${name}\``, hint);
}

/** Closest known word by edit distance, if it is close enough to be a typo. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Splits on LF, CRLF or CR; a final newline does not make an extra line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
