import { problem, type FileProblem } from '../problems.js';
import type { LineRange } from './source-types.js';
import { parseSqlSource, splitLines, type SqlSource } from './sql-source.js';

/**
 * goose and dbmate keep both directions in one `<version>_<name>.sql`, in sections:
 *   goose   `-- +goose Up` / `-- +goose Down`, `-- +goose StatementBegin` … `StatementEnd`
 *           around one statement, `-- +goose NO TRANSACTION`;
 *   dbmate  `-- migrate:up [transaction:false]` / `-- migrate:down [transaction:false]`.
 * Each direction becomes a SqlSource of the whole file with the other lines blanked, so
 * every line number is the file's. Text before the first section may hold comments and
 * migrate-tui headers (they go with the up side).
 */
export type SingleFileLayout = 'goose' | 'dbmate';

const GOOSE = /^\s*--\s*\+goose\s+(.*?)\s*$/i;
const DBMATE = /^\s*--\s*migrate:(up|down)(?:\s+(.*?))?\s*$/i;

/** A `.sql` file that is not `.up.sql`/`.down.sql` is read as goose or dbmate when it has their up marker. */
export function singleFileLayout(text: string): SingleFileLayout | null {
  if (/^\s*--\s*\+goose\s+up\b/im.test(text)) return 'goose';
  if (/^\s*--\s*migrate:up\b/im.test(text)) return 'dbmate';
  return null;
}

export interface SingleFile {
  readonly up: SqlSource;
  /** Null when there is no down section, or it has no SQL: the revision is irreversible. */
  readonly down: SqlSource | null;
  /** The first line of the down section, for messages (0 when there is none). */
  readonly downLine: number;
  readonly problems: FileProblem[];
}

interface Side {
  readonly lines: Set<number>;
  readonly delimited: LineRange[];
  off: string | null;
  marker: number;
}

export function readSingleFile(path: string, text: string, layout: SingleFileLayout): SingleFile {
  const lines = splitLines(text);
  const problems: FileProblem[] = [];
  const up: Side = { lines: new Set(), delimited: [], off: null, marker: 0 };
  const down: Side = { lines: new Set(), delimited: [], off: null, marker: 0 };
  const bad = (line: number, what: string, hint: string) => problems.push(problem('bad-section-marker', path, line, what, hint));
  const upName = layout === 'goose' ? '`-- +goose Up`' : '`-- migrate:up`';
  let side: Side | null = null;
  let statementBegin = 0;
  let noTransaction: string | null = null;

  lines.forEach((line, i) => {
    const n = i + 1;
    const goose = layout === 'goose' ? GOOSE.exec(line) : null;
    const dbmate = layout === 'dbmate' ? DBMATE.exec(line) : null;
    const marker = goose ? goose[1]!.replace(/\s+/g, ' ').toUpperCase() : dbmate ? dbmate[1]!.toUpperCase() : null;
    if (marker === 'UP' || marker === 'DOWN') {
      const next = marker === 'UP' ? up : down;
      if (next.marker) bad(n, `a second ${line.trim()} (the first is at line ${next.marker})`, 'keep one up and one down section per file');
      if (statementBegin) bad(statementBegin, '`-- +goose StatementBegin` is not closed before the next section', 'add `-- +goose StatementEnd` after the statement');
      statementBegin = 0;
      next.marker = n;
      side = next;
      if (dbmate) readDbmateOptions(dbmate[2] ?? '', next, n, path, problems);
      return;
    }
    if (goose) {
      if (marker === 'STATEMENTBEGIN') {
        if (!side) bad(n, `\`-- +goose StatementBegin\` before ${upName}`, `put it inside the up or down section`);
        else if (statementBegin) bad(n, `\`-- +goose StatementBegin\` inside another one (opened at line ${statementBegin})`, 'close the first with `-- +goose StatementEnd`');
        else statementBegin = n;
      } else if (marker === 'STATEMENTEND') {
        if (!statementBegin) bad(n, '`-- +goose StatementEnd` without a `-- +goose StatementBegin`', 'add `-- +goose StatementBegin` before the statement, or remove this line');
        else (side as Side | null)?.delimited.push({ from: statementBegin + 1, to: n - 1 });
        statementBegin = 0;
      } else if (marker === 'NO TRANSACTION') noTransaction = `\`-- +goose NO TRANSACTION\` (line ${n})`;
      else if (marker === 'ENVSUB ON') bad(n, '`-- +goose ENVSUB ON` is not supported: ${VAR} references would be sent to the database as written', 'write the values into the SQL, or generate the file before running migrate-tui');
      else if (marker !== 'ENVSUB OFF') bad(n, `unknown goose annotation \`${line.trim()}\``, 'goose knows Up, Down, StatementBegin, StatementEnd, NO TRANSACTION and ENVSUB');
      return;
    }
    if (side) side.lines.add(n);
    else if (/^\s*(--.*)?$/.test(line)) up.lines.add(n);
    else bad(n, `SQL before ${upName}: it belongs to no direction`, `move it below ${upName}, or make it a comment`);
  });
  if (statementBegin) bad(statementBegin, '`-- +goose StatementBegin` is never closed', 'add `-- +goose StatementEnd` after the statement');
  if (noTransaction) up.off = down.off = noTransaction;

  const source = (s: Side, kind: 'up' | 'down') =>
    parseSqlSource(path, lines.map((l, i) => (s.lines.has(i + 1) ? l : '')).join('\n'), kind, { display: text, delimited: s.delimited, transactionOff: s.off });
  const upSource = source(up, 'up');
  const downSource = down.marker ? source(down, 'down') : null;
  problems.push(...upSource.problems, ...(downSource?.problems ?? []));
  return { up: upSource, down: downSource?.hasContent ? downSource : null, downLine: down.marker, problems };
}

function readDbmateOptions(options: string, side: Side, line: number, path: string, problems: FileProblem[]): void {
  for (const option of options.split(/\s+/).filter((o) => o !== '')) {
    const m = /^transaction:(true|false)$/i.exec(option);
    if (m) side.off = m[1]!.toLowerCase() === 'false' ? `\`transaction:false\` (line ${line})` : null;
    else problems.push(problem('bad-section-marker', path, line, `unknown dbmate option "${option}"`, 'dbmate knows `transaction:false`; write e.g. `-- migrate:up transaction:false`'));
  }
}
