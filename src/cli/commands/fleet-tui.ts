import type { ConnectionTarget } from '../../engine/index.js';
import type { EarlyFrame } from '../../tui/early-frame.js';
import { engine } from '../engine.js';
import type { CommandResult, GlobalOptions } from '../command-result.js';
import { TOOL_VERSION } from '../version.js';
import { leaseSettings, type Wiring } from '../wiring.js';
import { lockLimitsOf, stateTables } from './database-commands.js';
import { folderErrorsWarning } from '../error-text.js';

/**
 * Before Ink and React load: Ink draws only the last frame when CI is set (is-in-ci), and
 * the TUI opens only on a real terminal, so a CI variable inherited from a shell must not
 * blank it. React's production build: the development build checks and records every
 * render, which made each key in the TUI cost about twice the work.
 */
export function tuiEnvironment(): void {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  process.env.NODE_ENV ??= 'production';
}

/** `migrate-tui --targets [file]` on a terminal: the fleet view (a table of targets). */
export async function openFleetTui(w: Wiring, g: GlobalOptions, connection: (target: ConnectionTarget, g: GlobalOptions) => ConnectionTarget, early: EarlyFrame | null): Promise<CommandResult> {
  const fleet = engine.selectTargets(engine.readTargets(g.targets === true ? undefined : g.targets, w.io.cwd, w.io.env), g.only ?? []);
  // The first frame (drawn before the engine loaded) says which fleet, then each phase.
  early?.database(`fleet ${fleet.origin}: ${fleet.targets.length} target${fleet.targets.length === 1 ? '' : 's'}`, g.readOnly ?? false);
  early?.phase(`indexing ${g.dir}…`);
  // Its problems are counted after the screen closes (written now, they would go with the alternate screen).
  const project = w.project(g, { lazyDown: true, refusesOnErrors: true });
  const errors = project.problems.filter(engine.isError).length;
  early?.phase('loading the screen…');
  const config = w.configFile();
  tuiEnvironment();
  const { runFleetTui } = await import('../../tui/fleet/run-fleet-tui.js');
  const code = await runFleetTui(
    {
      fleet: { ...fleet, targets: fleet.targets.map((t) => ({ ...t, connection: connection(t.connection, g) })) },
      project,
      tables: stateTables(config),
      toolVersion: TOOL_VERSION,
      lockTimeoutMs: (g.lockTimeout ?? config.lockTimeout ?? 60) * 1000,
      lockLimits: lockLimitsOf(config),
      // As the CLI's runs: the same lease timings, and a stale lease taken over only with the flag.
      lease: leaseSettings(config, w.io.env),
      stealStaleLock: g.stealStaleLock ?? false,
      backupRoot: w.backupDir(),
      readOnly: g.readOnly ?? false,
      parallel: g.parallel ?? 4,
      continueOnError: g.continueOnError ?? false,
      targetsFile: g.targets === true || g.targets === undefined ? null : g.targets,
    },
    early ?? undefined,
  );
  if (errors > 0) w.io.err(folderErrorsWarning(errors, project.dir));
  return { text: '', json: null, exitCode: code };
}
