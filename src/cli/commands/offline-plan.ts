import type { DialectSyntax, Direction, Project, StateTableNames } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { CommandResult } from '../command-result.js';
import { TOOL_VERSION } from '../version.js';

/** `upgrade|downgrade <target> --sql`: the plan's SQL for one dialect, touching no database. */
export function offlinePlanCommand(
  project: Project,
  direction: Direction,
  target: string,
  dialect: DialectSyntax,
  from: string | undefined,
  tables: StateTableNames,
  appliedInDatabase?: ReadonlySet<string>,
  plannedFrom?: string,
): CommandResult {
  engine.requireValid(project, dialect.name, []);
  const { graph } = project;
  const applied = appliedInDatabase ?? engine.appliedFromSpec(graph, from ?? (direction === 'upgrade' ? 'base' : 'heads'));
  const plan = direction === 'upgrade' ? engine.planUpgrade(graph, applied, target) : engine.planDowngrade(graph, applied, target);
  // The script's files are checked for its dialect (the all-dialect check is `check`'s).
  engine.requireValid(project, dialect.name, plan.steps);
  const defaultFrom = direction === 'upgrade' ? 'base' : 'heads';
  const options = {
    toolVersion: TOOL_VERSION,
    plannedFrom: plannedFrom ?? (from ? `--from ${from}` : `${defaultFrom} (no database and no --from)`),
  };
  return {
    text: '',
    // Written step by step as it is made; the JSON form (below) builds it whole.
    textChunks: () => engine.renderPlanSqlChunks(graph, plan, applied, dialect, tables, options),
    get json() {
      return jsonOf(engine.renderPlanSql(graph, plan, applied, dialect, tables, options));
    },
  };
  function jsonOf(sql: string) {
    return {
      dialect: dialect.name,
      plan: {
        direction: plan.direction,
        target: plan.target,
        headsBefore: plan.headsBefore,
        headsAfter: plan.headsAfter,
        steps: plan.steps.map((id) => {
          const m = graph.get(id);
          return { id, message: m.message, path: direction === 'upgrade' ? m.upPath : m.downPath };
        }),
      },
      sql,
    };
  }
}
