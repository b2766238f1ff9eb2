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
