import { createRequire } from 'node:module';
import type { Action, AnalysedStatement, ColumnSpec, ConstraintKind } from './types.js';
import { ParsedText } from './pg-text.js';
import { baselineWasmOnly, type ParserLoadOptions } from './pg-load-options.js';

export type { ParserLoadOptions };

/**
 * PostgreSQL statements through PostgreSQL's own parser (libpg-query: the server's grammar
 * compiled to WebAssembly, so it installs without a compiler and runs on Node 20). A
 * statement it refuses is one the server refuses: that is reported, not guessed around.
 */

let ready: Promise<boolean> | null = null;
let parseSync: ((sql: string) => unknown) | null = null;

/**
 * Loads the parser once, on first use: commands that do not lint never load it. False when it
 * cannot be loaded (lint then counts PostgreSQL statements "not analysed"). Through require
 * (the package's CommonJS entry): its ES-module entry started Node's ES-module loader and took
 * 3–5× as long to load. The require runs now, in this call, and reads the WebAssembly file;
 * compiling it goes on off the main thread (V8 compiles each function lazily, on its first call).
 */
export function loadPostgresParser(options: ParserLoadOptions = {}): Promise<boolean> {
  ready ??= (async () => {
    try {
      if (options.baselineOnly) baselineWasmOnly();
      const lib = createRequire(import.meta.url)('libpg-query') as typeof import('libpg-query');
      await lib.loadModule();
      parseSync = lib.parseSync;
      return true;
    } catch {
      return false;
    }
  })();
  return ready;
}

/**
 * Starts loading the parser (see loadPostgresParser) and resolves once its WebAssembly compile
 * is under way, not done: a command that will lint PostgreSQL calls it first, so the compile
 * overlaps reading the folder (synchronous work that would otherwise hold the compile back).
 */
export async function preloadPostgresParser(): Promise<void> {
  void loadPostgresParser();
  // The loader's promise chain reaches WebAssembly.instantiate within microtasks: one turn of the event loop.
  await new Promise<void>((resolve) => setImmediate(resolve));
}

export const postgresParserLoaded = (): boolean => parseSync !== null;
/** The loaded parser (null before loadPostgresParser resolved). */
export const postgresParser = () => parseSync;

type Node = Record<string, unknown>;
const obj = (x: unknown): Node => (x && typeof x === 'object' ? (x as Node) : {});
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const str = (x: unknown): string => (typeof x === 'string' ? x : '');
const sval = (x: unknown): string => str(obj(obj(x).String).sval);
const relname = (x: unknown): string => str(obj(x).relname);
/** The last part of a qualified name list (`s.t` → `t`). */
const lastName = (list: unknown): string => {
  const items = arr(list);
  return items.length > 0 ? sval(items[items.length - 1]) : '';
};

const VOLATILE = new Set(['random', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'clock_timestamp', 'timeofday', 'nextval', 'uuidv4', 'uuidv7', 'gen_random_bytes']);
const SERIAL = new Set(['serial', 'bigserial', 'smallserial', 'serial2', 'serial4', 'serial8']);

function callsVolatile(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(callsVolatile);
  if (!node || typeof node !== 'object') return false;
  const n = node as Node;
  if (n.FuncCall && VOLATILE.has(lastName(obj(n.FuncCall).funcname).toLowerCase())) return true;
  return Object.values(n).some(callsVolatile);
}

function typeText(typeName: unknown): string {
  const t = obj(typeName);
  const name = lastName(t.names).toUpperCase();
  const mods = arr(t.typmods).map((m) => String(obj(obj(obj(m).A_Const).ival).ival ?? '?'));
  return name + (mods.length ? `(${mods.join(',')})` : '') + (arr(t.arrayBounds).length ? '[]' : '');
}

function columnSpec(def: unknown, sql: ParsedText): ColumnSpec {
  const c = obj(obj(def).ColumnDef);
  const constraints = arr(c.constraints).map((x) => obj(obj(x).Constraint));
  const dflt = constraints.find((k) => k.contype === 'CONSTR_DEFAULT');
  const type = typeText(c.typeName);
  const ref = constraints.find((k) => k.contype === 'CONSTR_FOREIGN');
  const expr = dflt ? obj(dflt.raw_expr) : null;
  const constant = !!expr && (!!expr.A_Const || (!!expr.TypeCast && !!obj(obj(expr.TypeCast).arg).A_Const));
  return {
    name: str(c.colname),
    type,
    notNull: constraints.some((k) => k.contype === 'CONSTR_NOTNULL' || k.contype === 'CONSTR_PRIMARY'),
    hasDefault: !!dflt,
    ...(dflt ? { defaultText: exprText(sql, dflt) } : {}),
    defaultVolatile: !!dflt && callsVolatile(dflt.raw_expr),
    defaultConstant: constant,
    ...(ref ? { references: relname(ref.pktable) } : {}),
    primaryKey: constraints.some((k) => k.contype === 'CONSTR_PRIMARY'),
    unique: constraints.some((k) => k.contype === 'CONSTR_UNIQUE'),
    computed: SERIAL.has(type.toLowerCase()) || constraints.some((k) => k.contype === 'CONSTR_IDENTITY' || (k.contype === 'CONSTR_GENERATED' && !k.generated_kind_virtual)),
  };
}

/** The text of a default clause, from its location to the next comma or parenthesis at depth 0 (for messages only). */
function exprText(sql: ParsedText, constraint: Node): string {
  const at = typeof constraint.location === 'number' ? constraint.location : -1;
  if (at < 0) return 'the default';
  const rest = sql.from(at).replace(/^DEFAULT\s+/i, '');
  let depth = 0;
  let k = 0;
  for (; k < rest.length; k++) {
    const ch = rest[k]!;
    if (ch === '(') depth++;
    else if (ch === ')') {
      if (depth === 0) break;
      depth--;
    } else if (ch === ',' && depth === 0) break;
  }
  return rest.slice(0, k).trim().replace(/\s+(NOT\s+NULL|NULL|PRIMARY\s+KEY|UNIQUE|REFERENCES\b.*)$/i, '');
}

const CONSTRAINT_KIND: Record<string, ConstraintKind> = { CONSTR_FOREIGN: 'foreign-key', CONSTR_CHECK: 'check', CONSTR_UNIQUE: 'unique', CONSTR_PRIMARY: 'primary-key' };

function alterTable(s: Node, sql: ParsedText): Action[] {
  const table = relname(s.relation);
  if (s.objtype && s.objtype !== 'OBJECT_TABLE') return [];
  const actions: Action[] = [];
  for (const cmdNode of arr(s.cmds)) {
    const cmd = obj(obj(cmdNode).AlterTableCmd);
    const column = str(cmd.name);
    switch (cmd.subtype) {
      case 'AT_AddColumn':
        actions.push({ kind: 'add-column', table, column: columnSpec(cmd.def, sql) });
        break;
      case 'AT_DropColumn':
        actions.push({ kind: 'drop-column', table, column });
        break;
      case 'AT_AlterColumnType':
        actions.push({ kind: 'alter-column-type', table, column, type: typeText(obj(obj(cmd.def).ColumnDef).typeName) });
        break;
      case 'AT_SetNotNull':
        actions.push({ kind: 'set-not-null', table, column });
        break;
      case 'AT_DropNotNull':
      case 'AT_ColumnDefault':
        actions.push({ kind: 'alter-column-other', table, column, what: cmd.subtype === 'AT_DropNotNull' ? 'DROP NOT NULL' : cmd.def ? 'SET DEFAULT' : 'DROP DEFAULT' });
        break;
      case 'AT_AddConstraint': {
        const c = obj(obj(cmd.def).Constraint);
        const columns = arr(c.fk_attrs ?? c.keys).map(sval);
        actions.push({ kind: 'add-constraint', table, constraint: CONSTRAINT_KIND[str(c.contype)] ?? 'other', ...(c.conname ? { name: str(c.conname) } : {}), notValid: c.skip_validation === true, usingIndex: !!c.indexname, columns });
        break;
      }
      case 'AT_DropConstraint':
        actions.push({ kind: 'drop-constraint', table, ...(column ? { name: column } : {}), what: 'DROP CONSTRAINT' });
        break;
      default:
        break;
    }
  }
  return actions;
}

function actionsOf(stmt: Node, sql: ParsedText): { actions: Action[]; ddl: boolean } | null {
  const [kind, body] = Object.entries(stmt)[0] ?? ['', {}];
  const s = obj(body);
  switch (kind) {
    case 'CreateStmt':
      return { ddl: true, actions: [{ kind: 'create-table', table: relname(s.relation), columns: arr(s.tableElts).filter((e) => obj(e).ColumnDef).map((e) => columnSpec(e, sql)), asSelect: false }] };
    case 'CreateTableAsStmt':
      return { ddl: true, actions: s.objtype === 'OBJECT_TABLE' ? [{ kind: 'create-table', table: relname(obj(s.into).rel), columns: [], asSelect: true }] : [] };
    case 'AlterTableStmt':
      return { ddl: true, actions: alterTable(s, sql) };
    case 'RenameStmt':
      if (s.renameType === 'OBJECT_TABLE') return { ddl: true, actions: [{ kind: 'rename-table', table: relname(s.relation), to: str(s.newname) }] };
      if (s.renameType === 'OBJECT_COLUMN' && s.relationType === 'OBJECT_TABLE') return { ddl: true, actions: [{ kind: 'rename-column', table: relname(s.relation), column: str(s.subname), to: str(s.newname) }] };
      return { ddl: true, actions: [] };
    case 'DropStmt': {
      const names = arr(s.objects).map((o) => lastName(obj(obj(o).List).items) || sval(o) || lastName(obj(obj(o).TypeName).names));
      if (s.removeType === 'OBJECT_TABLE') return { ddl: true, actions: names.map((table) => ({ kind: 'drop-table', table })) };
      if (s.removeType === 'OBJECT_INDEX') return { ddl: true, actions: names.map((index) => ({ kind: 'drop-index', index, concurrently: s.concurrent === true })) };
      if (s.removeType === 'OBJECT_TYPE') return { ddl: true, actions: names.map((type) => ({ kind: 'drop-type', type })) };
      return { ddl: true, actions: [] };
    }
    case 'IndexStmt':
      return {
        ddl: true,
        actions: [{ kind: 'create-index', table: relname(s.relation), index: str(s.idxname), unique: s.unique === true, concurrently: s.concurrent === true, columns: arr(s.indexParams).map((p) => str(obj(obj(p).IndexElem).name)).filter(Boolean) }],
      };
    case 'TruncateStmt':
      return { ddl: true, actions: arr(s.relations).map((r) => ({ kind: 'truncate', table: relname(obj(r).RangeVar) })) };
    case 'DeleteStmt':
      return { ddl: false, actions: s.whereClause ? [] : [{ kind: 'delete-all', table: relname(s.relation) }] };
    case 'VacuumStmt': {
      const full = arr(s.options).some((o) => str(obj(obj(o).DefElem).defname).toLowerCase() === 'full');
      if (!full || s.is_vacuumcmd === false) return { ddl: false, actions: [] };
      const rels = arr(s.rels).map((r) => relname(obj(obj(r).VacuumRelation).relation));
      return { ddl: false, actions: (rels.length ? rels : ['']).map((t) => ({ kind: 'rewrite', how: 'VACUUM FULL', ...(t ? { table: t } : {}), concurrently: false })) };
    }
    case 'ClusterStmt':
      return { ddl: false, actions: [{ kind: 'rewrite', how: 'CLUSTER', ...(s.relation ? { table: relname(s.relation) } : {}), concurrently: false }] };
    case 'ReindexStmt': {
      const concurrently = arr(s.params).some((p) => str(obj(obj(p).DefElem).defname).toLowerCase() === 'concurrently');
      return { ddl: false, actions: [{ kind: 'rewrite', how: 'REINDEX', ...(s.relation ? { table: relname(s.relation) } : {}), concurrently }] };
    }
    case 'CreateEnumStmt':
      return { ddl: true, actions: [{ kind: 'create-type', type: lastName(s.typeName), values: arr(s.vals).map(sval) }] };
    case 'CompositeTypeStmt':
      return { ddl: true, actions: [{ kind: 'create-type', type: relname(s.typevar) }] };
    case 'AlterEnumStmt':
      if (s.oldVal) return { ddl: true, actions: [] };
      return { ddl: true, actions: [{ kind: 'add-enum-value', type: lastName(s.typeName), value: str(s.newVal), positioned: !!s.newValNeighbor }] };
    case 'TransactionStmt': {
      const k = str(s.kind);
      const what = k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START' ? 'begin' : k === 'TRANS_STMT_COMMIT' ? 'commit' : k === 'TRANS_STMT_ROLLBACK' ? 'rollback' : null;
      return { ddl: false, actions: what ? [{ kind: 'transaction', what }] : [] };
    }
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'SelectStmt':
    case 'CommentStmt':
    case 'GrantStmt':
    case 'VariableSetStmt':
    case 'CreateFunctionStmt':
    case 'CreateTrigStmt':
    case 'CreateSeqStmt':
    case 'AlterSeqStmt':
    case 'ViewStmt':
    case 'CreateExtensionStmt':
    case 'CreateSchemaStmt':
    case 'DoStmt':
    case 'CreatePolicyStmt':
    case 'AlterOwnerStmt':
    case 'AlterDefaultPrivilegesStmt':
    case 'CreateRoleStmt':
    case 'GrantRoleStmt':
    case 'CreateDomainStmt':
    case 'AlterFunctionStmt':
    case 'CreateTableSpaceStmt':
    case 'RuleStmt':
    case 'AlterRoleStmt':
    case 'AlterRoleSetStmt':
    case 'CreateEventTrigStmt':
    case 'AlterEventTrigStmt':
    case 'CreateTrigStmt_':
      return { ddl: kind !== 'InsertStmt' && kind !== 'UpdateStmt' && kind !== 'SelectStmt', actions: [] };
    default:
      return null;
  }
}

export type Parsed = { stmts?: Array<{ stmt?: unknown; stmt_location?: number; stmt_len?: number }> };
export type PostgresAnalysis = Omit<AnalysedStatement, 'sql' | 'line'>;

export function analysis(stmts: ReadonlyArray<{ stmt?: unknown }>, text: ParsedText): PostgresAnalysis {
  const actions: Action[] = [];
  let ddl = false;
  let analysed = true;
  for (const s of stmts) {
    const found = actionsOf(obj(s.stmt), text);
    if (!found) {
      analysed = false;
      continue;
    }
    actions.push(...found.actions);
    ddl ||= found.ddl;
  }
  return { actions, analysed, ddl };
}

/** One PostgreSQL statement: its actions, or the parser's refusal, or "not analysed" (parser not loaded, or a kind lint does not know). */
export function analysePostgres(sql: string, line: number): AnalysedStatement {
  if (!parseSync) return { sql, line, actions: [], analysed: false, ddl: /^\s*(CREATE|ALTER|DROP|TRUNCATE|RENAME)\b/i.test(sql) };
  try {
    return { sql, line, ...analysis((parseSync(sql) as Parsed).stmts ?? [], new ParsedText(sql)) };
  } catch (error) {
    return { sql, line, actions: [], analysed: false, ddl: false, parseError: (error as Error).message };
  }
}
