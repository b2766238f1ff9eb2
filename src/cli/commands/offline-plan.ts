import type { DialectSyntax, Direction, Project, StateTableNames } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { CommandResult } from '../command-result.js';
import { TOOL_VERSION } from '../version.js';

/** What the database holds, when the script is planned from it (read, never changed). */
export interface PlannedFromDatabase {
  /** Applied revisions the files know. */
  readonly applied: ReadonlySet<string>;
  /** Where it was planned from, e.g. `database sqlite:app.db at 2026…`. */
  readonly plannedFrom: string;
  /** The version table's rows: the heads the database holds. */
  readonly versionRows: readonly string[];
  /** Applied revisions whose files are missing. */
  readonly missing: readonly string[];
}

/** `upgrade|downgrade <target> --sql`: the plan's SQL for one dialect, touching no database. */
export function offlinePlanCommand(
  project: Project,
  direction: Direction,
  target: string,
  dialect: DialectSyntax,
  from: string | undefined,
  tables: StateTableNames,
  database?: PlannedFromDatabase,
): CommandResult {
  engine.requireValid(project, dialect.name, []);
  const { graph } = project;
  const applied = database?.applied ?? engine.appliedFromSpec(graph, from ?? (direction === 'upgrade' ? 'base' : 'heads'));
  const planned = direction === 'upgrade' ? engine.planUpgrade(graph, applied, target) : engine.planDowngrade(graph, applied, target);
  // With applied revisions whose files are missing nothing is planned (the caller refuses
  // otherwise); the planner's heads, made from the files, leave them out: the heads are the
  // database's own version rows (it said "heads before: 2" with the table at 3).
  const missing = database?.missing ?? [];
  const plan = missing.length > 0 && planned.steps.length === 0 ? { ...planned, headsBefore: database!.versionRows, headsAfter: database!.versionRows } : planned;
  // The script's files are checked for its dialect (the all-dialect check is `check`'s).
  engine.requireValid(project, dialect.name, plan.steps);
  const defaultFrom = direction === 'upgrade' ? 'base' : 'heads';
  const options = {
    toolVersion: TOOL_VERSION,
    plannedFrom: database?.plannedFrom ?? (from ? `--from ${from}` : `${defaultFrom} (no database and no --from)`),
    missing,
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
        missing,
        steps: plan.steps.map((id) => {
          const m = graph.get(id);
          return { id, message: m.message, path: direction === 'upgrade' ? m.upPath : m.downPath };
        }),
      },
      sql,
    };
  }
}
