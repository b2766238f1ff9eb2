import {
  transactionNotes,
  dialectChecksum,
  drawHistory,
  resolveRevisionRef,
  DIALECTS,
  sourceStatements,
  type DialectSyntax,
  type Project,
} from '../../engine/index.js';
import type { Command } from 'commander';
import type { CommandResult } from '../command-result.js';
import { dialectOption, type Wiring } from '../wiring.js';
import { revisionJson, revisionLine } from './describe.js';

export function registerGraphCommands(program: Command, w: Wiring): void {
  w.add(program.command('heads').description('list the revisions that nothing revises'), (_c, g) => headsCommand(w.project(g)));
  w.add(program.command('branches').description('list branch points and branch labels'), (_c, g) => branchesCommand(w.project(g)));
  w.add(program.command('history').description('draw the revision graph, newest first'), (_c, g) => historyCommand(w.project(g)));
  w.add(program.command('show').argument('<rev>', 'revision id, unique prefix or branch label').description('show one revision (with --dialect: its statements)'), (_c, g, rev) =>
    showCommand(w.project(g), String(rev), g.dialect ? dialectOption(g.dialect) : undefined),
  );
}

export function headsCommand(project: Project): CommandResult {
  const { graph } = project;
  const heads = graph.heads().map((id) => graph.get(id));
  return {
    text: heads.map((m) => revisionLine(graph, m)).join('\n') + (heads.length > 0 ? '\n' : ''),
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

export function historyCommand(project: Project): CommandResult {
  const { graph } = project;
  const rows = drawHistory(graph);
  const text = rows
    .map((row) => {
      if (row.id === null) return row.graph;
      const m = graph.get(row.id);
      const deps = graph.dependencies(m.id);
      return `${row.graph} ${revisionLine(graph, m)}${deps.length > 0 ? ` (depends on ${deps.join(', ')})` : ''}`;
    })
    .join('\n');
  return {
    text: text + (rows.length > 0 ? '\n' : 'no revisions\n'),
    json: { rows: rows.map((row) => ({ graph: row.graph, revision: row.id === null ? null : revisionJson(graph, graph.get(row.id)) })) },
  };
}

export function showCommand(project: Project, ref: string, dialect: DialectSyntax | undefined): CommandResult {
  const { graph } = project;
  const m = graph.get(resolveRevisionRef(graph, ref));
  const checksums = Object.fromEntries(DIALECTS.map((d) => [d.name, dialectChecksum(m.up, d.name)]));
  const statements = dialect
    ? {
        up: sourceStatements(m.up, dialect).statements,
        down: m.down ? sourceStatements(m.down, dialect).statements : [],
      }
    : undefined;
  const notes = transactionNotes(m);
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
    ...DIALECTS.map((d) => `  ${d.name.padEnd(8)} ${checksums[d.name]}`),
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
