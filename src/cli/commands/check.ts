import { coverageMatrix, DIALECT_NAMES, formatProblem, fullCheck, isError, transactionNotes, type Project } from '../../engine/index.js';
import type { CommandResult } from '../command-result.js';
import { EXIT } from '../exit-codes.js';

export interface CheckOptions {
  readonly maxHeads?: number;
  readonly dialects: boolean;
}

export function checkCommand(project: Project, options: CheckOptions): CommandResult {
  const problems = fullCheck(project);
  const heads = project.graph.heads();
  const lines = problems.map(formatProblem);
  const tooManyHeads = options.maxHeads !== undefined && heads.length > options.maxHeads;
  if (tooManyHeads) {
    lines.push(
      `${project.dir}: error: ${heads.length} heads (${heads.join(', ')}), more than --max-heads ${options.maxHeads}\n  → join them with \`migrate-tui merge\` before deploying`,
    );
  }
  const errors = problems.filter(isError).length + (tooManyHeads ? 1 : 0);
  const warnings = problems.length - problems.filter(isError).length;
  const coverage = options.dialects ? coverageMatrix(project.folder.migrations) : undefined;
  if (coverage) {
    const width = Math.max(8, ...coverage.map((r) => r.id.length));
    lines.push('', ['revision'.padEnd(width), ...DIALECT_NAMES.map((d) => d.padEnd(9))].join(' ').trimEnd());
    for (const row of coverage) lines.push([row.id.padEnd(width), ...DIALECT_NAMES.map((d) => row.dialects[d].padEnd(9))].join(' ').trimEnd());
    lines.push('(common: no dialect blocks; override: its own section; default: falls back to default; nothing: a block has no section for it)');
  }
  const summary = `${project.folder.migrations.length} revision${project.folder.migrations.length === 1 ? '' : 's'}, ${heads.length} head${heads.length === 1 ? '' : 's'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  lines.push(summary);
  return {
    text: lines.join('\n') + '\n',
    json: {
      ok: errors === 0,
      revisions: project.folder.migrations.length,
      heads,
      problems,
      // Migrations that run without a transaction (and why), or whose own BEGIN … COMMIT wrapper is recognised.
      transactions: project.folder.migrations.flatMap((m) => transactionNotes(m)),
      ...(tooManyHeads ? { maxHeadsExceeded: { maxHeads: options.maxHeads, heads: heads.length } } : {}),
      ...(coverage ? { coverage } : {}),
    },
    exitCode: errors === 0 ? EXIT.ok : EXIT.failed,
  };
}
