import type { DialectSyntax } from './dialect.js';
import { mysqlSyntax } from './mysql.js';

/** MariaDB speaks MySQL's SQL; files may give it its own sections, else the mysql ones run. */
export const mariadbSyntax: DialectSyntax = {
  ...mysqlSyntax,
  name: 'mariadb',
  names: ['mariadb'],
  sectionPreference: ['mariadb', 'mysql'],
  compoundStatement: true,
};
