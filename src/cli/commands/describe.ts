import type { Migration, RevisionGraph } from '../../engine/index.js';

/** The JSON form of a revision, shared by every command that lists revisions. */
export function revisionJson(graph: RevisionGraph, m: Migration) {
  return {
    id: m.id,
    message: m.message,
    parents: graph.parents(m.id),
    children: [...graph.children(m.id)],
    dependsOn: graph.dependencies(m.id),
    branchLabels: [...m.branchLabels],
    isHead: graph.children(m.id).length === 0,
    isBase: graph.parents(m.id).length === 0,
    isBranchPoint: graph.isBranchPoint(m.id),
    isMergePoint: graph.isMergePoint(m.id),
    transaction: m.transaction,
    irreversible: m.irreversible,
    upPath: m.upPath,
    downPath: m.downPath,
  };
}

/** `0003 (head, branchpoint) [billing] create invoices` */
export function revisionLine(graph: RevisionGraph, m: Migration): string {
  const marks: string[] = [];
  if (graph.children(m.id).length === 0) marks.push('head');
  if (graph.parents(m.id).length === 0) marks.push('base');
  if (graph.isBranchPoint(m.id)) marks.push('branchpoint');
  if (graph.isMergePoint(m.id)) marks.push('mergepoint');
  const labels = m.branchLabels.length > 0 ? ` [${m.branchLabels.join(', ')}]` : '';
  return `${m.id}${marks.length > 0 ? ` (${marks.join(', ')})` : ''}${labels} ${m.message}`;
}

/** Alembic's `--verbose` form of a revision: id and marks, parents, children, depends-on, labels, path, message. */
export function revisionVerbose(graph: RevisionGraph, m: Migration): string {
  const parents = graph.parents(m.id);
  const lines = [
    `Rev: ${revisionLine(graph, m).slice(0, -(m.message.length + 1))}`,
    `${parents.length > 1 ? 'Merges' : 'Parent'}: ${parents.join(', ') || '<base>'}`,
    ...(graph.isBranchPoint(m.id) ? [`Branches into: ${graph.children(m.id).join(', ')}`] : []),
    ...(graph.dependencies(m.id).length > 0 ? [`Also depends on: ${graph.dependencies(m.id).join(', ')}`] : []),
    ...(m.branchLabels.length > 0 ? [`Branch names: ${m.branchLabels.join(', ')}`] : []),
    `Path: ${m.upPath}`,
    '',
    `    ${m.message}`,
    '',
  ];
  return lines.join('\n');
}
