import type { DialectName, Finding, FleetTarget, Severity } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { CommandResult, GlobalOptions } from '../command-result.js';
import type { Wiring } from '../wiring.js';
import { lintProject, lintResult, lintRevisions, lintStoreFor } from './lint-report.js';

/** The dialects lint checks a target for: its URL's (a `mysql://` URL may reach MySQL or MariaDB: both). */
export function targetDialects(target: FleetTarget): DialectName[] {
  const c = target.connection;
  return c.dialectHint ? [c.dialectHint] : c.kind === 'mysql' ? ['mysql', 'mariadb'] : [c.kind];
}

/**
 * `lint --targets`: the history linted once for the dialects the targets use (no database is
 * opened), each finding printed once with the count of targets it concerns, so the same
 * finding on 200 targets of one dialect is one finding. Exit code as `lint`'s.
 */
export async function lintFleet(w: Wiring, g: GlobalOptions, revs: readonly string[], o: { maxSeverity: 'none' | Severity; why: boolean; counts: boolean }): Promise<CommandResult> {
  if (o.counts) throw new engine.UsageError('--counts does not run over a fleet', 'lint --targets opens no database; run `lint --counts --url <a target>` on one target');
  if (g.dialect) throw new engine.UsageError('--dialect and --targets do not go together', 'lint --targets lints each target for its own dialect; leave out --targets to lint for --dialect');
  const fleet = engine.selectTargets(engine.readTargets(g.targets === true ? undefined : g.targets, w.io.cwd, w.io.env), g.only ?? []);
  const byDialect = new Map<DialectName, string[]>();
  for (const target of fleet.targets) for (const d of targetDialects(target)) byDialect.set(d, [...(byDialect.get(d) ?? []), target.name]);
  if (byDialect.has('postgres')) await engine.preloadPostgresParser();
  const project = w.project(g, {});
  const report = await lintProject(project, [...byDialect.keys()], lintRevisions(project, revs), w.configFile(), lintStoreFor(w.io.env, g.readOnly ?? false));
  const on = (f: Finding) => new Set(f.dialects.flatMap((d) => byDialect.get(d) ?? []));
  const result = lintResult(report, o.maxSeverity, o.why, (f) => `  on: ${count(on(f).size)} (${f.dialects.map((d) => `${d}: ${byDialect.get(d)?.length ?? 0}`).join(', ')})`);
  const head = `lint on ${count(fleet.targets.length)} from ${fleet.origin}, once per dialect: ${[...byDialect].map(([d, names]) => `${d} (${count(names.length)})`).join(', ')}${byDialect.has('mysql') && byDialect.has('mariadb') ? ' — a mysql:// URL may reach MySQL or MariaDB, so those targets are linted for both' : ''}\n`;
  const json = result.json as { findings: Finding[] };
  return {
    ...result,
    text: head + result.text,
    json: { command: 'lint', origin: fleet.origin, ...json, findings: json.findings.map((f) => ({ ...f, targets: [...on(f)] })), dialects: Object.fromEntries(byDialect) },
  };
}

const count = (n: number) => `${n} target${n === 1 ? '' : 's'}`;
