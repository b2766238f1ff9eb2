import type { DialectSyntax, Project } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { Command } from 'commander';
import type { CommandResult } from '../command-result.js';
import { dialectOption, type Wiring } from '../wiring.js';
import { revisionJson, revisionLine, revisionVerbose } from './describe.js';
import { withMigrator } from './database-commands.js';
import { parseRange, rangeNeedsDatabase, revisionsInRange, type HistoryRange } from './history-range.js';

export function registerGraphCommands(program: Command, w: Wiring): void {
  w.add(program.command('heads').description('list the revisions that nothing revises').option('-v, --verbose', 'every field of each head'), (c, g) =>
    headsCommand(w.project(g), Boolean((c.opts() as { verbose?: boolean }).verbose)),
  );
  w.add(program.command('branches').description('list branch points and branch labels'), (_c, g) => branchesCommand(w.project(g)));
  w.add(
    program
      .command('history')
      .description('draw the revision graph, newest first')
      .option('-v, --verbose', 'every field of each revision')
      .option('-r, --rev-range <range>', 'only lower:upper, e.g. base:head, -3:, current:, <id>:<id>'),
    async (c, g) => {
      const o = c.opts() as { verbose?: boolean; revRange?: string };
      const project = w.project(g);
      const range = o.revRange === undefined ? null : parseRange(o.revRange);
      const current = range && rangeNeedsDatabase(range) ? await withMigrator(w.database(g), project, async (m) => [...(await m.readState()).versionRows]) : null;
      return historyCommand(project, { verbose: Boolean(o.verbose), range, current });
    },
  );
  w.add(
    program.command('show').argument('<rev>', 'revision id, unique prefix, branch label, head, heads, base or current').description('show one revision (with --dialect: its statements)'),
    async (_c, g, rev) => {
      const project = w.project(g);
      const ids = String(rev) === 'current' ? await withMigrator(w.database(g), project, async (m) => [...(await m.readState()).versionRows]) : null;
      return showCommand(project, String(rev), g.dialect ? dialectOption(g.dialect) : undefined, ids);
    },
  );
}

export function headsCommand(project: Project, verbose = false): CommandResult {
  const { graph } = project;
  const heads = graph.heads().map((id) => graph.get(id));
  return {
    text: verbose ? heads.map((m) => revisionVerbose(graph, m)).join('\n') : heads.map((m) => revisionLine(graph, m)).join('\n') + (heads.length > 0 ? '\n' : ''),
    json: { heads: heads.map((m) => ({ id: m.id, message: m.message, branchLabels: [...m.branchLabels], upPath: m.upPath })) },
  };
}

export function branchesCommand(project: Project): CommandResult {
  const { graph } = project;
  const points = graph.ids().filter((id) => graph.isBranchPoint(id));
  const labels = [...graph.labels()].map(([label, revision]) => {
    const members = graph.branchMembers(label);
    const heads = graph.heads().filter((id) => members.has(id));
    return { label, revision, heads, revisions: members.size };
  });
  const lines: string[] = [];
  for (const id of points) {
    lines.push(revisionLine(graph, graph.get(id)));
    for (const child of graph.children(id)) lines.push(`  -> ${revisionLine(graph, graph.get(child))}`);
  }
  if (labels.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push('branch labels:');
    for (const l of labels) lines.push(`  ${l.label}: from ${l.revision}, head ${l.heads.join(', ') || '-'} (${l.revisions} revision${l.revisions === 1 ? '' : 's'})`);
  }
  if (lines.length === 0) lines.push('no branch points and no branch labels: the history is linear');
  return {
    text: lines.join('\n') + '\n',
    json: { branchPoints: points.map((id) => ({ id, message: graph.get(id).message, children: [...graph.children(id)] })), labels },
  };
}

export function historyCommand(project: Project, options: { verbose?: boolean; range?: HistoryRange | null; current?: readonly string[] | null } = {}): CommandResult {
  const { graph } = project;
  // A range lists its revisions (newest first) without the drawing, as Alembic does.
  const rows = options.range ? revisionsInRange(graph, options.range, options.current ?? null).map((id) => ({ id, graph: '' })) : engine.drawHistory(graph);
  const text = rows
    .map((row) => {
      if (row.id === null) return row.graph;
      if (options.verbose) return `${row.graph ? `${row.graph}\n` : ''}${revisionVerbose(graph, graph.get(row.id))}`;
      const m = graph.get(row.id);
      const deps = graph.dependencies(m.id);
      return `${row.graph ? `${row.graph} ` : ''}${revisionLine(graph, m)}${deps.length > 0 ? ` (depends on ${deps.join(', ')})` : ''}`;
    })
    .join('\n');
  return {
    text: text + (rows.length > 0 ? '\n' : 'no revisions\n'),
    json: { rows: rows.map((row) => ({ graph: row.graph, revision: row.id === null ? null : revisionJson(graph, graph.get(row.id)) })) },
  };
}

/** `show <rev>`; `head`, `heads`, `base` and `current` (the database's version rows) show each revision they name. */
export function showCommand(project: Project, ref: string, dialect: DialectSyntax | undefined, current: readonly string[] | null = null): CommandResult {
  const { graph } = project;
  const ids = ref === 'heads' ? graph.heads() : ref === 'base' ? graph.bases() : ref === 'current' ? (current ?? []).filter((id) => graph.has(id)) : null;
  if (ids === null) return showOne(project, ref === 'head' ? engine.singleHead(graph, graph.heads()) : engine.resolveRevisionRef(graph, ref), dialect);
  if (ids.length === 1) return showOne(project, ids[0]!, dialect);
  const each = ids.map((id) => showOne(project, id, dialect));
  return {
    text: each.length === 0 ? `${ref}: no revisions\n` : each.map((r) => r.text).join('\n'),
    json: { revisions: each.map((r) => (r.json as { revision: unknown }).revision) },
  };
}

function showOne(project: Project, id: string, dialect: DialectSyntax | undefined): CommandResult {
  const { graph } = project;
  const m = graph.get(id);
  const checksums = Object.fromEntries(engine.DIALECTS.map((d) => [d.name, engine.dialectChecksum(m.up, d.name)]));
  const statements = dialect
    ? {
        up: engine.sourceStatements(m.up, dialect).statements,
        down: m.down ? engine.sourceStatements(m.down, dialect).statements : [],
      }
    : undefined;
  const notes = engine.transactionNotes(m);
  const lines = [
    `revision:    ${m.id}`,
    `message:     ${m.message}`,
    `parents:     ${graph.parents(m.id).join(', ') || '(base)'}`,
    `children:    ${graph.children(m.id).join(', ') || '(head)'}`,
    ...(m.dependsOn.length > 0 ? [`depends on:  ${graph.dependencies(m.id).join(', ')}`] : []),
    ...(graph.dependents(m.id).length > 0 ? [`needed by:   ${graph.dependents(m.id).join(', ')}`] : []),
    ...(m.branchLabels.length > 0 ? [`branch:      ${m.branchLabels.join(', ')}`] : []),
    `transaction: ${m.transaction ? 'on' : 'off'}`,
    ...notes.map((n) => `  ${n.dialect} ${n.direction}: ${n.transactional ? '' : 'runs without a transaction: '}${n.reason}`),
    ...(m.irreversible ? ['irreversible: yes (downgrades past it are refused)'] : []),
    `up file:     ${m.upPath}`,
    `down file:   ${m.downPath ?? '(none)'}`,
    'checksums:',
    ...engine.DIALECTS.map((d) => `  ${d.name.padEnd(8)} ${checksums[d.name]}`),
  ];
  if (statements && dialect) {
    for (const direction of ['up', 'down'] as const) {
      lines.push('', `-- ${direction} (${dialect.name}): ${statements[direction].length} statement${statements[direction].length === 1 ? '' : 's'}`);
      for (const s of statements[direction]) lines.push(`-- line ${s.line}`, `${s.sql};`);
    }
  }
  return {
    text: lines.join('\n') + '\n',
    json: { revision: { ...revisionJson(graph, m), dependents: [...graph.dependents(m.id)], checksums, transactions: notes, ...(statements ? { dialect: dialect!.name, statements } : {}) } },
  };
}
