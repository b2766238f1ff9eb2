import type { DatabaseAdapter } from '../dialects/adapter.js';

const bare = (name: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);

/**
 * The schema as `sqlite3 file '.schema --nosys'` prints it (what dbmate writes), read from
 * sqlite_master in creation order, so no sqlite3 binary is needed: every statement as stored,
 * with `;` (a table with a quoted name as `CREATE TABLE IF NOT EXISTS`, as the shell prints it), the internal tables (sqlite_sequence, sqlite_stat1) left out, and a view followed
 * by the shell's comment naming its columns (`/* v(id,x) *\/`).
 */
export async function sqliteSchemaText(db: DatabaseAdapter): Promise<string> {
  const rows = await db.query<{ type: string; name: string; sql: string }>("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid");
  let text = '';
  for (const row of rows) {
    let sql = String(row.sql);
    // The shell's printSchemaLine: a table whose name is quoted is printed `CREATE TABLE IF NOT EXISTS`.
    if (/^CREATE TABLE ['"]/.test(sql)) sql = `CREATE TABLE IF NOT EXISTS ${sql.slice(13)}`;
    if (row.type === 'view') {
      const columns = await db.query<{ name: string }>(`SELECT name FROM pragma_table_info(?)`, [row.name]);
      if (columns.length > 0) sql += `\n/* ${bare(row.name)}(${columns.map((c) => bare(String(c.name))).join(',')}) */`;
    }
    text += `${sql};\n`;
  }
  return text;
}
