import type { DatabaseAdapter } from '../dialects/adapter.js';

/** SQLite's keywords (sqlite3_keyword_check; 147 since 3.35): the shell quotes a name that is one. */
const KEYWORDS = new Set(
  `ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT BEFORE BEGIN BETWEEN BY CASCADE CASE CAST
  CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE
  DEFAULT DEFERRABLE DEFERRED DELETE DESC DETACH DISTINCT DO DROP EACH ELSE END ESCAPE EXCEPT EXCLUDE EXCLUSIVE EXISTS EXPLAIN
  FAIL FILTER FIRST FOLLOWING FOR FOREIGN FROM FULL GENERATED GLOB GROUP GROUPS HAVING IF IGNORE IMMEDIATE IN INDEX INDEXED
  INITIALLY INNER INSERT INSTEAD INTERSECT INTO IS ISNULL JOIN KEY LAST LEFT LIKE LIMIT MATCH MATERIALIZED NATURAL NO NOT
  NOTHING NOTNULL NULL NULLS OF OFFSET ON OR ORDER OTHERS OUTER OVER PARTITION PLAN PRAGMA PRECEDING PRIMARY QUERY RAISE RANGE
  RECURSIVE REFERENCES REGEXP REINDEX RELEASE RENAME REPLACE RESTRICT RETURNING RIGHT ROLLBACK ROW ROWS SAVEPOINT SELECT SET
  TABLE TEMP TEMPORARY THEN TIES TO TRANSACTION TRIGGER UNBOUNDED UNION UNIQUE UPDATE USING VACUUM VALUES VIEW VIRTUAL WHEN
  WHERE WINDOW WITH WITHOUT`.split(/\s+/),
);

/** The shell's quoteChar: a name is quoted unless it is [A-Za-z_][A-Za-z0-9_]* and not a keyword. */
const bare = (name: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name.toUpperCase()) ? name : `"${name.replace(/"/g, '""')}"`);

/** Where a statement's text ends: in a line comment, in a block comment, or not in a comment. */
function endsIn(sql: string): 'line' | 'block' | 'code' {
  const close: Record<string, string> = { "'": "'", '"': '"', '`': '`', '[': ']' };
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    const end = close[c] ?? (sql.startsWith('--', i) ? '\n' : sql.startsWith('/*', i) ? '*/' : null);
    if (end === null) continue;
    const at = sql.indexOf(end, i + (end === '*/' ? 2 : 1));
    if (at < 0) return end === '\n' ? 'line' : end === '*/' ? 'block' : 'code';
    i = at + end.length - 1;
  }
  return 'code';
}

/**
 * The schema as `sqlite3 file '.schema --nosys'` prints it (what dbmate writes), read from
 * sqlite_master in creation order, so no sqlite3 binary is needed. As the shell does
 * (shell_add_schema, printSchemaLine): every statement as stored, with `;`; a table with a
 * quoted name as `CREATE TABLE IF NOT EXISTS`; the internal tables (sqlite_sequence,
 * sqlite_stat1) left out; a view or virtual table followed by the comment naming its columns
 * (`/* v(id,"order") *\/`, a keyword quoted), none when its columns cannot be read (a module
 * not loaded); and a statement stored ending in a comment closed before its `;` (a new line
 * after `--`, `*\/` after an open `/*`), so the `;` is not commented out.
 */
export async function sqliteSchemaText(db: DatabaseAdapter): Promise<string> {
  const rows = await db.query<{ type: string; name: string; sql: string }>("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid");
  let text = '';
  for (const row of rows) {
    let sql = String(row.sql);
    if (/^CREATE (VIEW|VIRTUAL TABLE) /.test(sql)) {
      const columns = await db.query<{ name: string }>(`SELECT name FROM pragma_table_info(?)`, [row.name]).catch(() => []);
      if (columns.length > 0) sql += `\n/* ${bare(row.name)}(${columns.map((c) => bare(String(c.name ?? ''))).join(',')}) */`;
    }
    if (sql.includes('/*') || sql.includes('--')) {
      const state = endsIn(sql);
      if (state === 'line') sql += '\n';
      if (state === 'block') sql += '*/';
    }
    // The shell's printSchemaLine: a table whose name is quoted is printed `CREATE TABLE IF NOT EXISTS`.
    if (/^CREATE TABLE ['"]/.test(sql)) sql = `CREATE TABLE IF NOT EXISTS ${sql.slice(13)}`;
    text += `${sql};\n`;
  }
  return text;
}
