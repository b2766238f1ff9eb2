import type { DialectSyntax } from './dialect.js';
import { mysqlSyntax } from './mysql.js';

/** MariaDB speaks MySQL's SQL; files may give it its own sections, else the mysql ones run. */
export const mariadbSyntax: DialectSyntax = {
  ...mysqlSyntax,
  name: 'mariadb',
  names: ['mariadb'],
  sectionPreference: ['mariadb', 'mysql'],
  // 1064 ER_PARSE_ERROR, 4161 ER_UNKNOWN_DATA_TYPE (sql_mode=ORACLE reads `START TRANSACTION` in
  // the block as a declaration): both raised while parsing, and a block is parsed whole first.
  compoundStatement: { unparsed: (error) => [1064, 4161].includes((error as { errno?: number } | null)?.errno ?? 0) },
};
