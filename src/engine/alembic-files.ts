import { relative } from 'node:path';
import type { DialectName } from './dialects/dialect.js';
import type { AlembicProject, AlembicRender, AlembicRevision } from './alembic-reader.js';
import { VERSION_TOKEN } from './files/version-order.js';

/** migrate-tui's dialect → SQLAlchemy's dialect name (what Alembic renders for). */
export const SQLALCHEMY_DIALECT: Readonly<Record<DialectName, string>> = { postgres: 'postgresql', mysql: 'mysql', mariadb: 'mariadb', sqlite: 'sqlite' };

/** Something an import could not carry over; the import exits 1 when there is one. */
export interface ImportProblem {
  readonly revision: string;
  /** The Alembic revision file, relative to the project. */
  readonly source: string;
  readonly line: number | null;
  readonly kind: 'not-rendered-up' | 'not-rendered-down' | 'label-dropped';
  readonly dialects: readonly DialectName[];
  readonly message: string;
}

/** Worth knowing, not a failure: no-op directions, `transaction off`. */
export interface ImportNote {
  readonly revision: string;
  readonly source: string;
  readonly kind: 'no-op-down' | 'no-op-up' | 'transaction-off' | 'irreversible' | 'unnamed-constraint';
  readonly message: string;
}

/** One revision's files, as they will be written. */
export interface PlannedRevision {
  readonly id: string;
  readonly name: string;
  readonly up: string;
  /** null: no .down.sql (downgrade() was rendered for no dialect). */
  readonly down: string | null;
  /** Each file's statements per dialect, as Alembic wrote them (one write each; the placeholder is one). */
  readonly statements: Readonly<Record<'up' | 'down', Partial<Record<DialectName, readonly string[]>>>>;
}

const LABEL = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An Alembic id written `<version>_<words>` (`0001_initial`, as `alembic revision --rev-id` makes many projects write them). */
const WORDED_ID = /^([0-9A-Za-z]+)_[0-9A-Za-z_]*[0-9A-Za-z]$/;

/**
 * Alembic's ids as migrate-tui versions. A version token stays as it is. `<version>_<words>`
 * becomes its version, and its files keep the whole id as their name (`0001_initial.up.sql`):
 * first contact maps alembic_version's row through it. Where two ids share that version (two
 * branches that picked the same number: `0006_badges`, `0006_convert_ids`), each is the id
 * without its underscores (`0006badges`), which first contact also maps. `bad`: ids that can
 * be neither (other characters); `clashes`: ids that would still share a version.
 */
export function alembicVersions(revisions: readonly AlembicRevision[]): { versions: Map<string, string>; bad: AlembicRevision[]; clashes: string[][] } {
  const bad: AlembicRevision[] = [];
  const prefixOf = new Map<string, string>();
  const sharing = new Map<string, number>();
  for (const rev of revisions) {
    const prefix = VERSION_TOKEN.test(rev.id) ? rev.id : WORDED_ID.exec(rev.id)?.[1];
    if (!prefix) bad.push(rev);
    else {
      prefixOf.set(rev.id, prefix);
      sharing.set(prefix, (sharing.get(prefix) ?? 0) + 1);
    }
  }
  const versions = new Map<string, string>();
  const byVersion = new Map<string, string[]>();
  for (const [id, prefix] of prefixOf) {
    const version = id === prefix || sharing.get(prefix) === 1 ? prefix : collapsedAlembicId(id);
    versions.set(id, version);
    byVersion.set(version, [...(byVersion.get(version) ?? []), id]);
  }
  return { versions, bad, clashes: [...byVersion.values()].filter((ids) => ids.length > 1) };
}

/** A worded Alembic id as a version token: its underscores left out (`0006_badges` → `0006badges`). */
export function collapsedAlembicId(id: string): string {
  return id.replace(/_/g, '');
}

/** What Alembic wrote, as the revision's statements: its `-- Running …` markers and the version table's statements left out. */
export function revisionStatements(render: AlembicRender, versionTable: string): string[] {
  const table = new RegExp(`\\b${versionTable}\\b`);
  const out: string[] = [];
  for (const chunk of render.chunks) {
    const text = chunk.replace(/\s+$/, '');
    if (text === '' || /^-- Running (upgrade|downgrade|stamp) /.test(text) || table.test(text)) continue;
    out.push(terminated(text));
  }
  return out;
}

/** Alembic adds `;` after each statement: one the statement had is not doubled, and one a trailing `-- comment` would swallow goes on its own line. */
function terminated(text: string): string {
  const body = text.endsWith(';') ? text.slice(0, -1).replace(/\s+$/, '') : text;
  const lastLine = body.slice(body.lastIndexOf('\n') + 1);
  if (/--/.test(lastLine.replace(/'[^']*'/g, "''"))) return `${body}\n;`;
  return body.endsWith(';') ? body : `${body};`;
}

export function planRevision(rev: AlembicRevision, project: AlembicProject, options: { root: string; dialects: readonly DialectName[]; slug: (message: string) => string; versions: ReadonlyMap<string, string> }): { planned: PlannedRevision; problems: ImportProblem[]; notes: ImportNote[] } {
  const source = relative(options.root, rev.path) || rev.path;
  const problems: ImportProblem[] = [];
  const notes: ImportNote[] = [];
  const message = oneLine(rev.message);
  const stem = rev.path.replace(/^.*[\\/]/, '').replace(/\.pyc?$/, '');
  const version = (id: string) => options.versions.get(id) ?? id;
  const id = version(rev.id);
  const slug = () => options.slug(message || stem.replace(new RegExp(`^${rev.id}_?`), '') || 'revision');
  // A worded id kept as its prefix names its files whole (alembic_version's rows name them); else `<version>_<slug>`.
  const name = id !== rev.id && rev.id.startsWith(`${id}_`) ? rev.id : `${id}_${slug()}`;
  const labels = rev.labels.filter((l) => LABEL.test(l));
  for (const label of rev.labels.filter((l) => !LABEL.test(l))) {
    problems.push({ revision: rev.id, source, line: null, kind: 'label-dropped', dialects: [], message: `branch label "${label}" is not a migrate-tui label (letters, digits and _, not starting with a digit): left out; targets like ${label}@head do not work` });
  }
  const statements: { up: Partial<Record<DialectName, readonly string[]>>; down: Partial<Record<DialectName, readonly string[]>> } = { up: {}, down: {} };
  const sections = (direction: 'up' | 'down') => {
    const failed: DialectName[] = [];
    const empty: DialectName[] = [];
    const texts = new Map<DialectName, string>();
    for (const dialect of options.dialects) {
      const render = rev.render[SQLALCHEMY_DIALECT[dialect]]![direction];
      if (!render.ok) {
        failed.push(dialect);
        const stand = placeholder(rev, render, direction, dialect, source, project.versionTable);
        statements[direction][dialect] = [stand.slice(stand.lastIndexOf('\nSELECT ') + 1)];
        texts.set(dialect, stand);
        continue;
      }
      const sql = revisionStatements(render, project.versionTable);
      statements[direction][dialect] = sql;
      if (sql.length === 0) empty.push(dialect);
      texts.set(dialect, sql.length === 0 ? `-- Alembic's ${direction === 'up' ? 'upgrade' : 'downgrade'}() renders no SQL: a no-op.` : sql.join('\n\n'));
    }
    return { failed, empty, texts };
  };
  /** ` for a, b` when only some of the dialects asked. */
  const forSome = (names: readonly DialectName[]) => (names.length < options.dialects.length ? ` for ${names.join(', ')}` : '');
  const up = sections('up');
  // A downgrade() that refuses on purpose (a raise statement of its own, before any SQL): irreversible, as in Alembic.
  const downs = options.dialects.map((d) => rev.render[SQLALCHEMY_DIALECT[d]]!.down);
  const refusal = downs.every((r) => !r.ok && r.error?.raised === true && revisionStatements(r, project.versionTable).length === 0) ? downs[0]!.error! : null;
  const down = refusal ? { failed: [], empty: [], texts: new Map<DialectName, string>() } : sections('down');
  if (refusal) {
    statements.down = {};
    notes.push({ revision: rev.id, source, kind: 'irreversible', message: `downgrade() refuses (line ${refusal.line}: ${refusal.type}: ${refusal.message}): written with -- migrate:irreversible and no .down.sql, so a downgrade past it is refused, as in Alembic` });
  }
  const autocommitIn = options.dialects.filter((d) => rev.render[SQLALCHEMY_DIALECT[d]]!.up.autocommit);
  const autocommit = autocommitIn.length > 0;

  for (const [direction, result] of [['up', up], ['down', down]] as const) {
    if (result.failed.length === 0) continue;
    const render = rev.render[SQLALCHEMY_DIALECT[result.failed[0]!]]![direction];
    const fn = direction === 'up' ? 'upgrade()' : 'downgrade()';
    const allFailed = result.failed.length === options.dialects.length;
    problems.push({
      revision: rev.id,
      source,
      line: render.error?.line ?? null,
      kind: direction === 'up' ? 'not-rendered-up' : 'not-rendered-down',
      dialects: result.failed,
      message: `${fn} could not be rendered offline${forSome(result.failed)}: ${errorText(render)}`,
    });
    if (direction === 'down' && allFailed) statements.down = {};
  }
  const merge = rev.parents.length >= 2;
  if (down.empty.length > 0 && !merge) {
    notes.push({ revision: rev.id, source, kind: 'no-op-down', message: `downgrade() renders no SQL${forSome(down.empty)} (\`pass\`, or Python only): written as a no-op .down.sql, as Alembic runs it` });
  }
  if (up.empty.length > 0 && !merge) {
    notes.push({ revision: rev.id, source, kind: 'no-op-up', message: `upgrade() renders no SQL${forSome(up.empty)}: written as a no-op .up.sql` });
  }
  const unnamed = [...new Set(options.dialects.flatMap((d) => rev.render[SQLALCHEMY_DIALECT[d]]!.up.unnamed ?? []))];
  if (unnamed.length > 0) {
    notes.push({
      revision: rev.id,
      source,
      kind: 'unnamed-constraint',
      message: `upgrade() makes a ${unnamed.join(', ')} without a name: online, Alembic names it by the naming convention of env.py's target_metadata, if the project has one, which import does not read; this SQL leaves the name to the database. Pass the project's convention with --naming-convention '{"uq": "…", …}' to render Alembic's names`,
    });
  }
  if (autocommit) {
    const some = forSome(autocommitIn);
    notes.push({ revision: rev.id, source, kind: 'transaction-off', message: `it runs op.get_context().autocommit_block()${some}: written with -- migrate:transaction off${some ? ', which is the whole file\'s' : ''}` });
  }

  const generated = `-- Alembic revision ${rev.id} (${source}), rendered offline by Alembic ${project.alembic} with SQLAlchemy ${project.sqlalchemy}: migrate-tui import alembic.`;
  const downLost = down.failed.length === options.dialects.length;
  const noDown = downLost || refusal !== null;
  const headers = [
    `-- migrate:revises ${rev.parents.length > 0 ? rev.parents.map(version).join(', ') : 'base'}`,
    ...(message ? [`-- migrate:message ${message}`] : []),
    ...(labels.length > 0 ? [`-- migrate:branch ${labels.join(', ')}`] : []),
    ...(rev.dependsOn.length > 0 ? [`-- migrate:depends-on ${rev.dependsOn.map(version).join(', ')}`] : []),
    ...(autocommit ? ['-- migrate:transaction off'] : []),
    ...(refusal ? ['-- migrate:irreversible'] : []),
    generated,
    ...(refusal ? [`-- Alembic's downgrade() refuses: ${refusal.type}: ${refusal.message}`] : []),
    ...(downLost
      ? [`-- NO .down.sql: Alembic could not render downgrade() offline (${errorText(rev.render[SQLALCHEMY_DIALECT[down.failed[0]!]]!.down)}), so a downgrade past this revision is refused. Write ${name}.down.sql by hand (see ${source}).`]
      : []),
  ];
  const upText = `${headers.join('\n')}\n\n${body(up.texts, options.dialects)}\n`;
  const downText = noDown ? null : `-- Alembic revision ${rev.id} (${source}): downgrade(), rendered offline by Alembic ${project.alembic}.\n\n${body(down.texts, options.dialects)}\n`;
  return { planned: { id, name, up: upText, down: downText, statements }, problems, notes };
}

/** One dialect: its SQL as is. Several: the SQL once when they agree, else one block section per distinct text. */
function body(texts: ReadonlyMap<DialectName, string>, dialects: readonly DialectName[]): string {
  const distinct = new Map<string, DialectName[]>();
  for (const d of dialects) distinct.set(texts.get(d)!, [...(distinct.get(texts.get(d)!) ?? []), d]);
  if (distinct.size === 1) return [...distinct.keys()][0]!;
  const lines: string[] = [];
  for (const [text, names] of distinct) lines.push(`-- migrate:dialect ${names.join(', ')}`, text);
  lines.push('-- migrate:end');
  return lines.join('\n');
}

/** What stands where a direction could not be rendered: why, what Alembic wrote before it stopped, and a statement that stops a run there. */
function placeholder(rev: AlembicRevision, render: AlembicRender, direction: 'up' | 'down', dialect: DialectName, source: string, versionTable: string): string {
  const fn = direction === 'up' ? 'upgrade()' : 'downgrade()';
  const before = revisionStatements(render, versionTable);
  const quote = dialect === 'mysql' || dialect === 'mariadb' ? '`' : '"';
  return [
    `-- NOT IMPORTED: Alembic could not render ${fn} offline: ${errorText(render)}`,
    ...(before.length > 0 ? ['-- What it rendered before it stopped:', ...before.flatMap((s) => s.split('\n')).map((l) => `--   ${l}`)] : []),
    `-- Write this revision's SQL here (from ${source}${render.error?.line ? `:${render.error.line}` : ''}), then delete the next statement, which stops`,
    `-- every ${direction === 'up' ? 'upgrade' : 'downgrade'} at this revision until you do:`,
    `SELECT * FROM ${quote}alembic revision ${rev.id} was not imported${quote};`,
  ].join('\n');
}

function errorText(render: AlembicRender): string {
  const e = render.error;
  if (!e) return 'it failed';
  const what = e.type === 'NeedsDatabase' ? e.message : `${e.type}: ${e.message}`;
  if (/it has no name/.test(e.message)) return `${what} (online, Alembic names it by the naming convention of env.py's target_metadata: pass it with --naming-convention)`;
  return render.bind && e.type !== 'NeedsDatabase' ? `${what} (it calls op.get_bind(): offline there is no database behind it)` : what;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
