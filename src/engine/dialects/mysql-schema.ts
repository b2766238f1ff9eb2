import { buildSchema, type SchemaSnapshot } from './schema-snapshot.js';

type Query = <T>(sql: string) => Promise<T[]>;
type Row = { t: string; n: string; d: string };

/**
 * MySQL's and MariaDB's schema from information_schema, for the connected database: columns
 * (COLUMN_TYPE keeps lengths and ENUM/SET labels), indexes with their columns, prefix lengths
 * and method, foreign keys with their rules, CHECK constraints, triggers, views, routines,
 * and MariaDB's sequences. Primary keys and UNIQUE constraints are indexes here.
 */
export async function mysqlSchema(query: Query, exclude: readonly string[]): Promise<SchemaSnapshot> {
  const tables = await query<{ n: string; kind: string }>(`SELECT TABLE_NAME AS n, TABLE_TYPE AS kind FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()`);
  const columns = await query<Row>(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS n,
            CONCAT(COLUMN_TYPE, IF(IS_NULLABLE = 'NO', ' NOT NULL', ''), IFNULL(CONCAT(' DEFAULT ', COLUMN_DEFAULT), ''),
                   IF(EXTRA = '', '', CONCAT(' ', EXTRA)), IFNULL(CONCAT(' AS (', NULLIF(GENERATION_EXPRESSION, ''), ')'), ''),
                   IFNULL(CONCAT(' COLLATE ', COLLATION_NAME), '')) AS d
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`,
  );
  const indexes = await query<Row>(
    `SELECT TABLE_NAME AS t, INDEX_NAME AS n,
            CONCAT(IF(NON_UNIQUE = 0, 'UNIQUE ', ''), INDEX_TYPE, ' (', GROUP_CONCAT(CONCAT(IFNULL(COLUMN_NAME, '(expression)'), IFNULL(CONCAT('(', SUB_PART, ')'), '')) ORDER BY SEQ_IN_INDEX), ')') AS d
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() GROUP BY TABLE_NAME, INDEX_NAME, NON_UNIQUE, INDEX_TYPE`,
  );
  const foreignKeys = await query<Row>(
    `SELECT k.TABLE_NAME AS t, k.CONSTRAINT_NAME AS n,
            CONCAT('FOREIGN KEY (', GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION), ') REFERENCES ', MAX(k.REFERENCED_TABLE_NAME), '(',
                   GROUP_CONCAT(k.REFERENCED_COLUMN_NAME ORDER BY k.ORDINAL_POSITION), ') ON UPDATE ', MAX(r.UPDATE_RULE), ' ON DELETE ', MAX(r.DELETE_RULE)) AS d
       FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r
         ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
      WHERE k.TABLE_SCHEMA = DATABASE() GROUP BY k.TABLE_NAME, k.CONSTRAINT_NAME`,
  );
  // CHECK_CONSTRAINTS: MariaDB 10.2+, MySQL 8.0.16+; older servers have no CHECK to compare.
  const checks = await query<Row>(
    `SELECT t.TABLE_NAME AS t, c.CONSTRAINT_NAME AS n, CONCAT('CHECK (', c.CHECK_CLAUSE, ')') AS d
       FROM information_schema.CHECK_CONSTRAINTS c JOIN information_schema.TABLE_CONSTRAINTS t
         ON t.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA AND t.CONSTRAINT_NAME = c.CONSTRAINT_NAME AND t.CONSTRAINT_TYPE = 'CHECK'
      WHERE c.CONSTRAINT_SCHEMA = DATABASE()`,
  ).catch(() => [] as Row[]);
  const triggers = await query<Row>(
    `SELECT EVENT_OBJECT_TABLE AS t, TRIGGER_NAME AS n, CONCAT(ACTION_TIMING, ' ', EVENT_MANIPULATION, ' ON ', EVENT_OBJECT_TABLE, ' ', ACTION_STATEMENT) AS d
       FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()`,
  );
  const views = await query<{ n: string; d: string }>(`SELECT TABLE_NAME AS n, VIEW_DEFINITION AS d FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()`);
  const routines = await query<{ n: string; d: string }>(
    `SELECT CONCAT(LOWER(ROUTINE_TYPE), ' ', ROUTINE_NAME) AS n, CONCAT(IFNULL(DTD_IDENTIFIER, ''), ' ', IFNULL(ROUTINE_DEFINITION, '')) AS d
       FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()`,
  );
  const isSequence = new Set(tables.filter((t) => t.kind === 'SEQUENCE').map((t) => t.n));
  const isView = new Set(views.map((v) => v.n));
  return buildSchema(
    {
      tables: tables.filter((t) => t.kind === 'BASE TABLE'),
      // A view's and a sequence's columns are not a table's.
      columns: columns.filter((c) => !isView.has(c.t) && !isSequence.has(c.t)),
      indexes,
      constraints: [...foreignKeys, ...checks],
      triggers,
      views,
      sequences: [...isSequence].map((n) => ({ n, d: 'sequence' })),
      routines,
    },
    exclude,
  );
}
