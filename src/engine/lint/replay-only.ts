import type { DialectSyntax } from '../dialects/dialect.js';
import { tokenize } from '../safety/data-risk.js';
import { shortcutsOn } from '../safety/prefilter.js';
import type { AnalysedStatement } from './types.js';

/**
 * A statement lint replays but reports on no rule (an up file of a revision not reported: a
 * plan's history, `lint <rev>`, a downgrade plan's ups) is read only for its schema actions.
 * On PostgreSQL, INSERT, UPDATE and SELECT have none whether the parser reads them or refuses
 * them (pg-parse.ts: InsertStmt, UpdateStmt, SelectStmt give no action; a refusal gives none),
 * so one of them alone in its text (no `;`: the parser sees one statement) is not parsed.
 * The other readers classify such statements by their first word already (token-parse.ts).
 */
const NO_ACTIONS = new Set(['INSERT', 'UPDATE', 'SELECT']);

export function replayedOnly(sql: string, syntax: DialectSyntax): boolean {
  return syntax.name === 'postgres' && shortcutsOn() && !sql.includes(';') && NO_ACTIONS.has(tokenize(sql, syntax, 1)[0]?.text ?? '');
}

/** What such a statement gives the replay: no action (never remembered as its reading). */
export const unread = (sql: string, line: number): AnalysedStatement => ({ sql, line, actions: [], analysed: true, ddl: false });
