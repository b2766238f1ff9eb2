import type { DialectSyntax } from '../dialects/dialect.js';
import { transactionControl } from '../dialects/transaction-control.js';
import { tokenize } from '../safety/data-risk.js';
import { shortcutsOn } from '../safety/prefilter.js';
import { Reader } from './token-reader.js';
import type { Action, AnalysedStatement, ColumnSpec, ConstraintKind } from './types.js';

/**
 * MySQL, MariaDB and SQLite statements, recognised from tokens (see the commit that added
 * lint for why not a parser library). Only the forms below are recognised; any other schema
 * statement, or an ALTER TABLE with an action not listed, is "not analysed", never guessed.
 */


const COLUMN_STOP = new Set(['NOT', 'NULL', 'DEFAULT', 'PRIMARY', 'UNIQUE', 'REFERENCES', 'CHECK', 'AUTO_INCREMENT', 'AUTOINCREMENT', 'COLLATE', 'CHARACTER', 'CHARSET', 'COMMENT', 'GENERATED', 'AS', 'ON', 'CONSTRAINT', 'KEY', 'FIRST', 'AFTER', 'INVISIBLE', 'VISIBLE', 'STORED', 'VIRTUAL', 'IDENTITY']);
const TABLE_CONSTRAINT = new Set(['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'KEY', 'INDEX', 'FOREIGN', 'CHECK', 'FULLTEXT', 'SPATIAL']);
const DML = new Set(['INSERT', 'UPDATE', 'SELECT', 'REPLACE', 'SET', 'WITH', 'CALL', 'DO', 'VALUES', 'ANALYZE', 'EXPLAIN', 'GRANT', 'REVOKE', 'LOCK', 'UNLOCK', 'FLUSH', 'OPTIMIZE', 'SAVEPOINT', 'RELEASE', 'USE', 'SHOW', 'VACUUM', 'REINDEX', 'ATTACH', 'DETACH']);

export function analyseWithTokens(sql: string, line: number, dialect: DialectSyntax): AnalysedStatement {
  const control = transactionControl(sql);
  if (control) return { sql, line, actions: [{ kind: 'transaction', what: control }], analysed: true, ddl: false };
  // Pre-filter: a statement whose first token is a DML word (INSERT, UPDATE, SELECT…) reads
  // as "no schema change" whatever follows (none of the branches below starts with one of
  // them), so a large INSERT is not tokenized to its end.
  const head = shortcutsOn() ? (tokenize(sql, dialect, 1)[0]?.text ?? '') : '';
  if (DML.has(head)) return { sql, line, actions: [], analysed: true, ddl: false };
  const t = tokenize(sql, dialect);
  const r = new Reader(t);
  const first = t[0]?.text ?? '';
  const result = (actions: Action[] | null, ddl = true): AnalysedStatement => ({ sql, line, actions: actions ?? [], analysed: actions !== null, ddl });
  if (r.accept('CREATE')) {
    r.accept('OR', 'REPLACE');
    r.accept('TEMPORARY') || r.accept('TEMP');
    if (r.accept('TABLE')) return result(createTable(r));
    const unique = r.accept('UNIQUE');
    r.accept('FULLTEXT') || r.accept('SPATIAL');
    if (r.accept('INDEX')) {
      r.accept('IF', 'NOT', 'EXISTS');
      const index = r.name();
      if (!index || !r.accept('ON')) return result(null);
      const table = r.name();
      return result(table ? [{ kind: 'create-index', table, index, unique, concurrently: false, columns: r.parenNames() }] : null);
    }
    return result([]);
  }
  if (r.accept('DROP')) {
    r.accept('TEMPORARY');
    if (r.accept('TABLE')) {
      r.accept('IF', 'EXISTS');
      return result(r.names().map((table) => ({ kind: 'drop-table', table })));
    }
    if (r.accept('INDEX')) {
      r.accept('IF', 'EXISTS');
      const index = r.name();
      const table = r.accept('ON') ? r.name() : null;
      return result(index ? [{ kind: 'drop-index', index, ...(table ? { table } : {}), concurrently: false }] : null);
    }
    return result([]);
  }
  if (r.accept('ALTER', 'TABLE')) {
    r.accept('IGNORE');
    r.accept('IF', 'EXISTS');
    r.accept('ONLY');
    const table = r.name();
    return result(table ? alterTable(r, table) : null);
  }
  if (r.accept('RENAME', 'TABLE')) {
    const actions: Action[] = [];
    for (;;) {
      const from = r.name();
      if (!from || !r.accept('TO')) return result(null);
      const to = r.name();
      if (!to) return result(null);
      actions.push({ kind: 'rename-table', table: from, to });
      if (!r.punct(',')) return result(actions);
    }
  }
  if (r.accept('TRUNCATE')) {
    r.accept('TABLE');
    return result(r.names().map((table) => ({ kind: 'truncate', table })));
  }
  if (r.accept('DELETE')) {
    if (!r.accept('FROM')) return result([], false);
    const table = r.name();
    const where = t.some((x) => x.type === 'word' && (x.text === 'WHERE' || x.text === 'LIMIT'));
    return result(table && !where ? [{ kind: 'delete-all', table }] : [], false);
  }
  if (r.accept('PRAGMA')) {
    const name = r.name();
    return result(name ? [{ kind: 'pragma', name: name.toLowerCase() }] : [], false);
  }
  if (DML.has(first)) return result([], false);
  return result(null, false);
}

function column(r: Reader): ColumnSpec | null {
  const name = r.name();
  if (!name) return null;
  // CHARACTER stops a type only as MySQL's `CHARACTER SET`: PostgreSQL's `character varying` is the type.
  const type = r.textUntil((tok) => tok.type === 'word' && COLUMN_STOP.has(tok.text) && !(tok.text === 'CHARACTER' && !(r.t[r.p + 1]?.type === 'word' && r.t[r.p + 1]!.text === 'SET')));
  let notNull = false;
  let primaryKey = false;
  let unique = false;
  let computed = false;
  let references: string | undefined;
  let defaultText: string | undefined;
  let defaultConstant = false;
  while (!r.done) {
    const tok = r.t[r.p]!;
    if (tok.type === 'punct' && (tok.text === ',' || tok.text === ')')) break;
    if (r.accept('NOT', 'NULL')) notNull = true;
    else if (r.accept('PRIMARY', 'KEY')) primaryKey = notNull = true;
    else if (r.accept('UNIQUE')) unique = true;
    else if (r.accept('AUTO_INCREMENT') || r.accept('AUTOINCREMENT') || r.accept('STORED') || r.accept('IDENTITY')) computed = true;
    else if (r.accept('REFERENCES')) references = r.name() ?? undefined;
    else if (r.accept('DEFAULT')) {
      const next = r.t[r.p];
      defaultConstant = !!next && (next.type === 'string' || (next.type === 'punct' && /[-+0-9.]/.test(next.text)) || (next.type === 'word' && ['NULL', 'TRUE', 'FALSE'].includes(next.text)) || /^[0-9]/.test(next.text));
      // A sign is kept (`DEFAULT -1`), and `DEFAULT NULL` is NULL: NULL also ends a type (`NOT NULL`).
      const sign = next?.type === 'punct' && (next.text === '-' || next.text === '+') ? next.text : '';
      if (sign) r.p++;
      if (r.t[r.p]?.type === 'punct' && r.t[r.p]!.text === '(') defaultConstant = false;
      if (r.accept('NULL')) defaultText = 'NULL';
      else defaultText = sign + r.textUntil((x) => x.type === 'word' && COLUMN_STOP.has(x.text) && x.text !== 'ON');
    } else r.p++;
    if (tok.type === 'punct' && tok.text === '(') {
      r.p--;
      r.skipPart();
    }
  }
  if (/SERIAL/.test(type)) computed = true;
  return { name, type, notNull, hasDefault: defaultText !== undefined, ...(defaultText !== undefined ? { defaultText } : {}), defaultVolatile: false, defaultConstant, ...(references ? { references } : {}), primaryKey, unique, computed };
}

function createTable(r: Reader): Action[] | null {
  r.accept('IF', 'NOT', 'EXISTS');
  const table = r.name();
  if (!table) return null;
  if (r.accept('AS') || r.accept('SELECT') || r.accept('LIKE')) return [{ kind: 'create-table', table, columns: [], asSelect: true }];
  if (!r.punct('(')) return null;
  const columns: ColumnSpec[] = [];
  while (!r.done) {
    const tok = r.t[r.p]!;
    if (tok.type === 'word' && TABLE_CONSTRAINT.has(tok.text)) r.skipPart();
    else {
      const c = column(r);
      if (!c) return null;
      columns.push(c);
    }
    if (!r.punct(',')) break;
  }
  return [{ kind: 'create-table', table, columns, asSelect: false }];
}

function constraint(r: Reader, table: string): Action | null {
  const name = r.accept('CONSTRAINT') ? (r.word('PRIMARY') || r.word('UNIQUE') || r.word('FOREIGN') || r.word('CHECK') ? undefined : r.name()) : undefined;
  let kind: ConstraintKind;
  if (r.accept('PRIMARY', 'KEY')) kind = 'primary-key';
  else if (r.accept('FOREIGN', 'KEY')) kind = 'foreign-key';
  else if (r.accept('CHECK')) kind = 'check';
  else if (r.accept('UNIQUE')) {
    r.accept('INDEX') || r.accept('KEY');
    kind = 'unique';
  } else return null;
  if (kind === 'foreign-key' || kind === 'unique' || kind === 'primary-key') if (!r.word('USING') && r.t[r.p]?.type !== 'punct') r.name();
  const columns = kind === 'check' ? [] : r.parenNames();
  const start = r.p;
  r.skipPart();
  const rest = r.t.slice(start, r.p).map((x) => x.text).join(' ');
  return { kind: 'add-constraint', table, constraint: kind, ...(name ? { name } : {}), notValid: /\bNOT VALID\b/.test(rest), usingIndex: /\bUSING INDEX\b/.test(rest), columns };
}

function alterTable(r: Reader, table: string): Action[] | null {
  const actions: Action[] = [];
  const part = (): boolean => {
    if (r.accept('ADD')) {
      if (r.word('CONSTRAINT') || r.word('PRIMARY') || r.word('FOREIGN') || r.word('CHECK') || (r.word('UNIQUE') && !/^(INDEX|KEY)$/.test(r.t[r.p + 1]?.text ?? '') && r.t[r.p + 1]?.type === 'punct')) {
        const c = constraint(r, table);
        if (c) actions.push(c);
        return !!c;
      }
      const unique = r.accept('UNIQUE');
      if (r.accept('INDEX') || r.accept('KEY') || unique || r.accept('FULLTEXT') || r.accept('SPATIAL')) {
        r.accept('INDEX') || r.accept('KEY');
        const index = r.t[r.p]?.type === 'punct' ? '' : (r.name() ?? '');
        actions.push({ kind: 'create-index', table, index, unique, concurrently: false, columns: r.parenNames() });
        return true;
      }
      r.accept('COLUMN');
      r.accept('IF', 'NOT', 'EXISTS');
      const c = column(r);
      if (c) actions.push({ kind: 'add-column', table, column: c });
      return !!c;
    }
    if (r.accept('DROP')) {
      if (r.accept('PRIMARY', 'KEY')) actions.push({ kind: 'drop-constraint', table, what: 'DROP PRIMARY KEY' });
      else if (r.accept('FOREIGN', 'KEY') || r.accept('CONSTRAINT') || r.accept('CHECK')) {
        const name = r.name();
        actions.push({ kind: 'drop-constraint', table, what: 'DROP CONSTRAINT', ...(name ? { name } : {}) });
      }
      else if (r.accept('INDEX') || r.accept('KEY')) {
        const index = r.name();
        if (index) actions.push({ kind: 'drop-index', index, table, concurrently: false });
      } else {
        r.accept('COLUMN');
        r.accept('IF', 'EXISTS');
        const c = r.name();
        if (!c) return false;
        actions.push({ kind: 'drop-column', table, column: c });
      }
      return true;
    }
    if (r.accept('MODIFY') || r.accept('CHANGE')) {
      const change = r.t[r.p - 1]!.text === 'CHANGE';
      r.accept('COLUMN');
      const old = change ? r.name() : null;
      const c = column(r);
      if (!c || (change && !old)) return false;
      actions.push({ kind: 'alter-column-type', table, column: old ?? c.name, type: c.type, spec: c, ...(old && old !== c.name ? { newName: c.name } : {}) });
      return true;
    }
    if (r.accept('ALTER')) {
      r.accept('COLUMN');
      const c = r.name();
      if (!c) return false;
      if (r.accept('TYPE') || r.accept('SET', 'DATA', 'TYPE')) actions.push({ kind: 'alter-column-type', table, column: c, type: r.textUntil((x) => x.type === 'word' && (x.text === 'USING' || x.text === 'COLLATE')) });
      else if (r.accept('SET', 'NOT', 'NULL')) actions.push({ kind: 'set-not-null', table, column: c });
      else actions.push({ kind: 'alter-column-other', table, column: c, what: r.t.slice(r.p, r.p + 2).map((x) => x.text).join(' ') });
      return true;
    }
    if (r.accept('RENAME')) {
      if (r.accept('COLUMN')) {
        const from = r.name();
        if (!from || !r.accept('TO')) return false;
        const to = r.name();
        if (!to) return false;
        actions.push({ kind: 'rename-column', table, column: from, to });
      } else if (r.accept('INDEX') || r.accept('KEY')) r.skipPart();
      else {
        r.accept('TO') || r.accept('AS');
        const to = r.name();
        if (!to) return false;
        actions.push({ kind: 'rename-table', table, to });
      }
      return true;
    }
    if (r.accept('ALGORITHM')) {
      r.punct('=');
      if (r.accept('COPY')) actions.push({ kind: 'table-copy', table, what: 'ALGORITHM=COPY' });
      else r.p++;
      return true;
    }
    if (r.accept('CONVERT', 'TO')) {
      actions.push({ kind: 'table-copy', table, what: 'CONVERT TO CHARACTER SET' });
      r.skipPart();
      return true;
    }
    if (r.accept('ENGINE') || r.accept('FORCE')) {
      actions.push({ kind: 'table-copy', table, what: r.t[r.p - 1]!.text === 'FORCE' ? 'FORCE' : 'ENGINE=' });
      r.skipPart();
      return true;
    }
    if (r.accept('LOCK') || r.accept('COMMENT') || r.accept('AUTO_INCREMENT') || r.accept('DEFAULT') || r.accept('CHARACTER') || r.accept('CHARSET') || r.accept('COLLATE') || r.accept('ROW_FORMAT')) {
      r.skipPart();
      return true;
    }
    return false;
  };
  while (!r.done) {
    if (!part()) return null;
    r.skipPart();
    if (!r.punct(',')) break;
  }
  return actions;
}
