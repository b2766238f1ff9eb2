import { formatSql, twoFilesPatch, migrationChecksum, migrationRun, migrationStatements, rehearsalMethod, rehearseSchema, schemaLines, type LintStore, type DatabaseAdapter, type DatabaseState, type Project, type SchemaSnapshot, type StateTableNames } from '../engine/index.js';
import type { Tab } from './state.js';
import { historyLintInSlices, historyLintReady, lintTabLines } from './lint-view.js';
import { finishedLater, findRule, missingDownWords, stateTableList } from '../engine/index.js';
import { keyOf } from './keymap.js';

/**
 * The detail pane's text: SQL per dialect, diffs, the trial-run schema diff, the info sheet.
 * Plain functions over what the session holds (no React, no session class).
 */

/** What the detail pane reads: the session's project, database state and connection. */
export interface DetailSource {
  readonly project: Project;
  readonly state: DatabaseState;
  readonly db: DatabaseAdapter;
  readonly options: { readonly tables: StateTableNames; readonly readOnly?: boolean; readonly lintStore?: LintStore | null };
}

/** The detail pane's text for a revision and tab; the schema tab rehearses only when `trial` (its key was pressed). */
export async function detailText(source: DetailSource, id: string, tab: Tab, raw: boolean, trial = false): Promise<string[]> {
  const now = detailNow(source, id, tab, raw);
  if (now) return now;
  const dialect = source.db.syntax;
  switch (tab) {
    case 'diff': {
      // Drift (applied SQL → file now), then the schema diff (a rehearsal, only when t is pressed).
      const drift = source.state.drift.find((d) => d.revision === id);
      const head = drift
        ? [`DRIFT: the file changed since it was applied (${drift.cosmetic ? 'white space or comments only' : 'the SQL differs'}), applied → file:`, ...readableDiff(drift.diff)]
        : [source.state.applied.has(id) ? appliedWithoutDrift(source.state, id) : 'not applied: no applied SQL to compare (drift shows here if the file changes once applied)'];
      return [...head, '', 'SCHEMA DIFF:', ...(trial ? await schemaDiff(source, id) : schemaIntro(source, id))];
    }
    case 'schema':
      return trial ? schemaDiff(source, id) : schemaIntro(source, id);
    default:
      // The lint tab before the history's lint is done: the marks' computation (in slices, keys answered) is awaited.
      await historyLintInSlices(source.project, dialect.name, () => false, source.options.lintStore ?? null);
      return lintTabLines(source.project, dialect.name, id, findRule);
  }
}

/**
 * An applied revision without drift: its SQL matches the file only when an upgrade ran it. A
 * stamp (the take-over from another tool) ran nothing, and drift is not tracked after a stamp,
 * a resolve or a restore (readDatabaseState): saying "matches" there would be untrue.
 */
function appliedWithoutDrift(state: DatabaseState, id: string): string {
  let kind: string | null = null;
  for (const row of state.log) if (row.revision === id && row.status === 'done' && row.kind !== 'seed') kind = row.kind;
  if (kind === null || kind === 'migrate') return 'applied SQL matches the file (no drift)';
  if (kind === 'stamp') return 'recorded as applied by a stamp (no SQL ran): there is no applied SQL to compare, and a change to the file does not show as drift';
  return `recorded as applied by a ${kind}: drift is tracked for what an upgrade ran, so a change to the file does not show here`;
}

/**
 * The detail pane's text when it needs no waiting: the up and down SQL, the info sheet, and the
 * lint tab once the history's lint is done; null for the rest (detailText). The screen draws
 * these in the same frame as the key that selected the revision.
 */
export function detailNow(source: DetailSource, id: string, tab: Tab, raw: boolean): string[] | null {
  const { graph } = source.project;
  const m = graph.get(id);
  const dialect = source.db.syntax;
  const sqlOf = (direction: 'up' | 'down') => {
    const file = direction === 'up' ? m.up : m.down;
    if (!file) return direction === 'down' ? [`-- ${m.irreversible ? 'irreversible: ' : ''}${m.missingDown ?? missingDownWords(m.upPath)}`] : [];
    if (raw) return file.text.split('\n');
    const statements = migrationStatements(m, direction, dialect);
    if (statements.length === 0) return [`-- no statements for ${dialect.name}`];
    return statements.flatMap((s, k) => [...(k > 0 ? [''] : []), `-- ${direction === 'up' ? m.upPath : m.downPath}:${s.line}`, ...formatSql(s.sql, dialect.name).split('\n').map((l, j, all) => (j === all.length - 1 ? `${l};` : l))]);
  };
  switch (tab) {
    case 'up':
      return sqlOf('up');
    case 'down':
      return sqlOf('down');
    case 'diff':
    case 'schema':
      return null;
    case 'lint':
      return historyLintReady(source.project, dialect.name) ? lintTabLines(source.project, dialect.name, id, findRule) : null;
    case 'info': {
      const log = source.state.log.filter((r) => r.revision === id).slice(-8).reverse();
      return [
        `revision    ${m.id}`,
        `message     ${m.message}`,
        `parents     ${graph.parents(id).join(', ') || '(base)'}`,
        `children    ${graph.children(id).join(', ') || '(head)'}`,
        `depends on  ${graph.dependencies(id).join(', ') || '-'}`,
        `branch      ${m.branchLabels.join(', ') || '-'}`,
        `transaction ${m.transaction ? 'on' : 'off'}${m.irreversible ? '   IRREVERSIBLE' : ''}`,
        ...(['up', 'down'] as const).flatMap((direction) => {
          if (direction === 'down' && !m.down) return [];
          const run = migrationRun(m, direction, dialect);
          return run.reason ? [`  ${direction} on ${dialect.name}: ${run.transactional ? '' : 'runs without a transaction: '}${run.reason}`] : [];
        }),
        `state       ${source.state.applied.has(id) ? 'applied' : 'pending'}${source.state.versionRows.includes(id) ? ', current head' : ''}`,
        `checksum    ${migrationChecksum(m, dialect)}`,
        `files       ${m.upPath}`,
        `            ${m.downPath ?? '(no down file)'}`,
        '',
        log.length > 0 ? 'log (newest first):' : 'log: no steps recorded',
        ...log.map((r) => `  ${r.direction === 'up' ? '↑' : '↓'} ${r.kind} ${r.status}  ${r.startedAt}  ${r.durationMs ?? '?'} ms  ${r.osUser}@${r.host}${finishedLater(r) ? `  (started then; finished on resume ${finishedLater(r)}, which took the ms shown)` : ''}`),
      ];
    }
  }
}

/** Which SQL a rehearsal of `id` would run: the up of a revision that can run next, the down of a current head. */
function rehearsalPlan(source: DetailSource, id: string): { direction: 'up' | 'down'; statements: readonly string[] } | string[] {
  const dialect = source.db.syntax;
  const method = rehearsalMethod(source.db);
  if (method.kind === 'none') return [...method.lines];
  const { graph } = source.project;
  const applied = source.state.applied;
  let direction: 'up' | 'down';
  if (!applied.has(id) && [...graph.parents(id), ...graph.dependencies(id)].every((p) => applied.has(p))) direction = 'up';
  else if (applied.has(id) && source.state.versionRows.includes(id)) direction = 'down';
  else return ['a rehearsal is available for a revision that can', 'run next (all its parents applied) or a current', 'head: select one of those to see the schema', 'before and after it.'];
  const run = migrationRun(graph.get(id), direction, dialect);
  // Its own COMMIT would make the trial real: only a migration that runs in one transaction is tried.
  if (!run.transactional) return wrap(`not available for this ${direction}: it runs without a transaction (${run.reason}), so a trial run could not be rolled back.`, 50);
  return { direction, statements: run.statements.map((s) => s.sql) };
}

/** The schema tab before its key is pressed: what a rehearsal would do. It reads nothing from the database. */
function schemaIntro(source: DetailSource, id: string): string[] {
  const plan = rehearsalPlan(source, id);
  if (Array.isArray(plan)) return plan;
  if (source.options.readOnly) return [`--read-only: no rehearsal runs (it would run the ${plan.direction} SQL of ${id}).`];
  const t = keyOf('trial');
  return [`press ${t} to rehearse the ${plan.direction} of ${id}`, '(the schema before and after it).', ...rehearsalMethod(source.db).lines, `nothing touches the database until ${t} is pressed.`];
}

/**
 * Schema before vs after a revision: a rehearsal of its SQL (engine `rehearseSchema`: on a
 * copy, or in a rolled-back transaction with short lock and statement timeouts), for the
 * next pending revision (its up) or a current head (its down). Never in --read-only.
 */
export async function schemaDiff(source: DetailSource, id: string): Promise<string[]> {
  const plan = rehearsalPlan(source, id);
  if (Array.isArray(plan)) return plan;
  if (source.options.readOnly) return [`--read-only: no rehearsal runs.`];
  const exclude = stateTableList(source.options.tables);
  const outcome = await rehearseSchema(source.db, plan.statements, exclude);
  const how = [`rehearsal of the ${plan.direction} of ${id}:`, ...rehearsalMethod(source.db).lines];
  if (!outcome.ok) return [...how, '', ...wrap(outcome.reason, 50)];
  const [from, to] = plan.direction === 'up' ? [outcome.before, outcome.after] : [outcome.after, outcome.before];
  // The `diff` package loads on first use (engine/files/text-diff.ts), not with the TUI's session before the history shows.
  const patch = twoFilesPatch(`schema without ${id}`, `schema with ${id}`, schemaText(from), schemaText(to)).split('\n').slice(2);
  return [...how, 'nothing was kept.', '', ...(patch.length > 1 ? patch : ['no schema change'])];
}

/** Words into lines of at most `width` characters (the detail pane truncates). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

function schemaText(s: SchemaSnapshot): string {
  return schemaLines(s).join('\n') + '\n';
}

/**
 * A unified diff without its file headers, each line's mark set apart from its text, so a
 * removed SQL comment (`-- x`) reads `- -- x`, never like a `---` file header.
 */
export function readableDiff(diff: string): string[] {
  const lines = diff.split('\n');
  // The file headers are what comes before the first hunk; a later `--- x` is a removed `-- x`.
  return lines
    .slice(Math.max(0, lines.findIndex((l) => l.startsWith('@@'))))
    .filter((l) => l !== '')
    .map((l) => (l.startsWith('@@') ? l : l.startsWith('\\') ? `  ${l}` : `${l[0] ?? ' '} ${l.slice(1)}`));
}
