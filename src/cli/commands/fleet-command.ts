import type { Command } from 'commander';
import type { FleetTarget, Migrator, OtherToolRecord, RunEvent, RunSummaryInput, TargetOutcome, TargetReport } from '../../engine/index.js';
import { engine } from '../engine.js';
import type { CommandResult, FleetSlot, GlobalOptions } from '../command-result.js';
import { confirm } from '../confirm.js';
import { exitCodeFor } from '../error-report.js';
import { EXIT } from '../exit-codes.js';
import { onSignals } from '../interrupt.js';
import type { CliIo } from '../io.js';
import type { Wiring } from '../wiring.js';

/** The commands that run over a fleet with --targets, and how each reads a target's result. */
const FLEET_COMMANDS: Record<string, (r: CommandResult) => TargetOutcome> = {
  upgrade: (r) => runOutcome(r, 'applied'),
  downgrade: (r) => runOutcome(r, 'reverted'),
  stamp: (r) => runOutcome(r, 'stamped'),
  status: statusOutcome,
  check: (r) => ({ status: r.exitCode ? 'failed' : 'current', summary: r.exitCode ? firstProblem(r.text) : 'no problems', exitCode: r.exitCode ?? EXIT.ok, json: r.json }),
};

/**
 * Commands that only read: a dirty or unreachable target does not stop the later stages. The
 * stages hold a run back behind its canary; a read that stopped showed "skipped" for the rest
 * of the fleet, when an on-call most needs to see it (the fleet view reads every target too).
 */
const READ_ONLY = new Set(['status', 'check']);

const MARK: Record<string, string> = { done: '✓', current: '=', pending: '…', refused: '✗', failed: '✗', skipped: '-', interrupted: '!' };

/**
 * A command run with --targets: the same command's action once per target (so each target has
 * its own connection, lock, dirty state and backups), stage by stage, `--parallel` per server.
 */
export async function fleetCommand(w: Wiring, command: Command, g: GlobalOptions, run: (g: GlobalOptions) => CommandResult | Promise<CommandResult>, argument: unknown): Promise<CommandResult> {
  const name = command.name();
  const outcomeOf = FLEET_COMMANDS[name];
  if (!outcomeOf) throw new engine.UsageError(`\`${name}\` does not run over a fleet`, `--targets works with: ${[...Object.keys(FLEET_COMMANDS), 'lint'].join(', ')}, and no command (the fleet view on a terminal)`);
  const own = command.opts() as { sql?: boolean; dryRun?: boolean; backup?: boolean };
  if (own.sql || own.dryRun) throw new engine.UsageError(`${own.sql ? '--sql' : '--dry-run'} does not run over a fleet`, `run it on one target: \`${name} … ${own.sql ? '--sql' : '--dry-run'} --url <its url>\``);
  const fleet = engine.selectTargets(engine.readTargets(g.targets === true ? undefined : g.targets, w.io.cwd, w.io.env), g.only ?? []);
  const count = `${fleet.targets.length} target${fleet.targets.length === 1 ? '' : 's'}`;
  if (name === 'downgrade' || name === 'stamp') {
    // `stamp a b`: commander gives the several targets as a list.
    if (Array.isArray(argument)) argument = argument.map(String).join(' ');
    const which = `${name} ${count} (${fleet.targets.map((t) => t.name).slice(0, 5).join(', ')}${fleet.targets.length > 5 ? ', …' : ''}) to ${String(argument)}`;
    // Nothing is printed before the question: "the lines above say what it would do" was untrue here.
    const file = g.targets === true || g.targets === undefined ? '' : ` ${g.targets}`;
    const review = `\`migrate-tui --targets${file} status\` shows where each target is${name === 'downgrade' ? `; \`migrate-tui --url <its url> downgrade ${String(argument)} --dry-run\` previews one` : ''}`;
    await confirm(w.io, which, g.yes, `${which}${name === 'downgrade' ? (own.backup === false ? ' WITHOUT backups (--no-backup)' : ', each after its own backup') : ''}? [y/N] `, review);
  }
  const parallel = g.parallel ?? 4;
  w.io.err(`${name} on ${count} from ${fleet.origin}: stages ${fleet.stages.join(' → ')}, at most ${parallel} at once per server\n`);
  // Each target would overwrite the one file in turn (schema-file.ts skips it per target).
  const schemaFile = w.configFile().schemaFile;
  if (schemaFile !== undefined && name !== 'status' && name !== 'check') w.io.err(`schema file ${schemaFile} not written: a fleet run has many databases; write it from one with \`migrate-tui --url <url> dump\`\n`);

  const running = new Map<FleetTarget, Migrator>();
  let stopping = false;
  let finished = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    const label = signal === 'SIGINT' ? 'Ctrl-C' : signal;
    if (stopping) {
      w.io.err(`\n${label} again: ${engine.ABANDON_TEXT}\n`);
      process.exit(EXIT.interrupted);
    }
    stopping = true;
    w.io.err(`\n${label}: nothing new starts; ${running.size === 1 ? '1 running target finishes or rolls back its' : `${running.size} running targets finish or roll back their`} current migration (${label} again abandons at once)\n`);
    for (const [target, m] of running) void m.cancel().then((outcome) => outcome.kind !== 'idle' && w.io.err(`${target.name}: ${engine.cancelText(outcome)}\n`));
  };
  const work = async (target: FleetTarget): Promise<TargetOutcome> => {
    const captured = captureIo(w.io);
    const slot: FleetSlot = {
      target: target.connection,
      name: target.name,
      io: captured,
      onEvent: (event: RunEvent) => {
        // A target that took its lock after the cancel stops before its first statement.
        if (stopping && event.type === 'step-start') void running.get(target)?.cancel();
      },
      guard: async (m, body) => {
        if (stopping) throw new engine.CancelledError('before the target started');
        running.set(target, m);
        try {
          return await body();
        } finally {
          running.delete(target);
        }
      },
    };
    // A SQLite file the run creates (a typo in the targets file makes a new, empty database): the line said only "applied 9 revisions".
    const missing = engine.sqliteFileMissing(target.connection);
    try {
      const result = await Promise.race([run({ ...g, fleetTarget: slot }), neverAnswered()]);
      const outcome = outcomeOf(result);
      const created = missing && !engine.sqliteFileMissing(target.connection) ? `created the SQLite database ${target.connection.display.replace(/^sqlite:/, '')} (it did not exist); ` : '';
      return { ...outcome, summary: engine.redact(created + outcome.summary, target.connection) };
    } catch (error) {
      return failure(error, target, g.targets === true || g.targets === undefined ? null : g.targets, !READ_ONLY.has(name));
    }
  };
  // If a driver's promise never settles once nothing else is pending (a connection the server
  // dropped), Node would end the process with no result lines: end those targets as failed.
  const stalled = new Set<(error: Error) => void>();
  const neverAnswered = () => new Promise<never>((_resolve, reject) => stalled.add(reject));
  const onBeforeExit = () => {
    for (const reject of stalled) reject(new Error('the database driver never answered after the connection was lost; the state of this target is unknown: run `status` on it'));
    stalled.clear();
  };
  process.on('beforeExit', onBeforeExit);
  const reports = await onSignals(onSignal, () =>
    engine.runFleet(fleet, { parallel, continueOnError: (g.continueOnError ?? false) || READ_ONLY.has(name), stopping: () => stopping, onEnd: (r) => w.io.err(`[${++finished}/${fleet.targets.length}] ${line(r)}\n`) }, work),
  );
  process.off('beforeExit', onBeforeExit);
  stalled.clear();
  const summary = engine.fleetSummary(reports);
  const exitCode = stopping || summary.interrupted > 0 ? EXIT.interrupted : summary.failed > 0 || summary.refused > 0 || summary.skipped > 0 ? EXIT.failed : EXIT.ok;
  const summaryText = Object.entries(summary).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s === 'current' ? (name === 'upgrade' || name === 'downgrade' || name === 'stamp' ? 'already current' : 'up to date') : s}`).join(', ');
  return {
    text: reports.map(line).join('\n') + `\n${name} on ${count}: ${summaryText}\n`,
    json: {
      command: name,
      origin: fleet.origin,
      stages: fleet.stages,
      targets: reports.map((r) => ({ name: r.target.name, stage: r.target.stage, tags: r.target.tags, database: r.target.connection.display, status: r.status, summary: r.summary, exitCode: r.exitCode, durationMs: r.durationMs, result: r.json })),
      summary,
    },
    exitCode,
  };
}

function line(r: TargetReport): string {
  return `${MARK[r.status] ?? '?'} ${r.target.name} [${r.target.stage}] ${r.target.connection.display}: ${r.summary}${r.durationMs > 0 ? ` (${r.durationMs} ms)` : ''}`;
}

/** The target's output goes into its report, not onto the terminal mixed with the others'. */
function captureIo(io: CliIo): CliIo & { text(): string } {
  let text = '';
  return {
    cwd: io.cwd,
    env: io.env,
    stdinIsTTY: false,
    stdoutIsTTY: false,
    out: (s) => void (text += s),
    err: (s) => void (text += s),
    ask: async () => '',
    text: () => text,
  };
}

/**
 * A target's error as its result line: the message (a long one cut) and the hint whole, its
 * commands naming this target (`--targets --only <name>`), so copying one acts on this target.
 */
function failure(error: unknown, target: FleetTarget, targetsFile: string | null, run: boolean): TargetOutcome {
  const interrupted = error instanceof engine.CancelledError;
  const hint = error instanceof engine.MigrateTuiError ? engine.hintOnTarget(error.hint, target.name, targetsFile) : null;
  const message = error instanceof Error ? error.message : String(error);
  const text = hint === null ? engine.resultLine(message) : `${engine.resultLine(message)} (→ ${hint.split('\n').map((l) => l.trim()).filter(Boolean).join(' ')})`;
  const json = error instanceof engine.MigrateTuiError ? { error: { ...error.toJSON(), hint } } : { error: { code: 'database-error', message: engine.redact(message, target.connection) } };
  if (interrupted) return { status: 'interrupted', summary: 'not started: the run was cancelled', exitCode: EXIT.interrupted, json };
  const refused = engine.isFleetRefusal(error, run);
  // The code the one-database command exits with (5 dirty, 8 no backup tool, 10 stale lease…): it was 1 for every error.
  const exitCode = error instanceof engine.MigrateTuiError ? exitCodeFor(error) : EXIT.failed;
  return { status: refused ? 'refused' : 'failed', summary: `${refused ? 'REFUSED — nothing ran' : 'FAILED'}: ${engine.redact(text, target.connection)}`, exitCode, json };
}

function runOutcome(r: CommandResult, verb: string): TargetOutcome {
  // The lint gate (exit 9) refuses before anything runs: a result, not a thrown refusal.
  if (r.exitCode === EXIT.lintRefused) {
    const reason = (r.json as { error?: { meta?: { reason?: string } } } | null)?.error?.meta?.reason ?? r.text;
    return { status: 'refused', summary: `REFUSED — nothing ran: ${engine.resultLine(reason)}`, exitCode: EXIT.lintRefused, json: r.json };
  }
  return { ...engine.runSummary((r.json ?? {}) as RunSummaryInput, verb, r.exitCode === EXIT.interrupted), exitCode: r.exitCode ?? EXIT.ok, json: r.json };
}

function statusOutcome(r: CommandResult): TargetOutcome {
  const j = r.json as { current: string[]; pending: string[]; dirty: { revision: string; direction: string } | null; drift: unknown[]; gaps: unknown[]; missing?: Array<{ revision: string }>; otherTools?: OtherToolRecord[] };
  const at = `at ${j.current.join(', ') || 'base'}`;
  const missing = (j.missing ?? []).map((m) => m.revision);
  const gone = missing.length === 0 ? '' : `${missing.join(', ')} applied but ${missing.length === 1 ? 'its' : 'their'} files are missing (upgrade refuses; see status on this target)`;
  const extra = [j.drift.length > 0 ? `${j.drift.length} drifted` : '', j.gaps.length > 0 ? `${j.gaps.length} gap${j.gaps.length === 1 ? '' : 's'}` : '', gone].filter(Boolean).join(', ');
  // First contact with another tool's database: "N pending" alone reads like a database behind, whose upgrade then refuses.
  const other = (j.otherTools ?? []).find((o) => engine.recordsApplied(o));
  const tail = (extra ? `; ${extra}` : '') + (other ? `; it ${engine.migratedBy(other)}, no migrate-tui record: ${other.stampTargets !== null ? `stamp ${other.stampTargets.join(' ')} takes it over` : 'no stamp fits (see status on this target)'}, upgrade refuses until then` : '');
  if (j.dirty) return { status: 'failed', summary: `DIRTY (${j.dirty.direction} of ${j.dirty.revision} unfinished; run resolve on it); ${at}${tail}`, exitCode: EXIT.dirty, json: r.json };
  if (j.pending.length > 0) return { status: 'pending', summary: `${at}; ${j.pending.length} pending${tail}`, exitCode: EXIT.ok, json: r.json };
  return { status: 'current', summary: `${at}; nothing pending${tail}`, exitCode: EXIT.ok, json: r.json };
}

/** The first problem `check` printed (`error:` lines before `warning:` ones); not its count line, `2 revisions, 1 head: 0 errors, 0 warnings`, which matched /error/. */
function firstProblem(text: string): string {
  const lines = text.split('\n');
  const found = lines.find((l) => /\berror:|✗|DIRTY|DRIFT|GAP|MISSING/.test(l)) ?? lines.find((l) => /\bwarning:/.test(l));
  // A database problem starts with the database's URL, which the target's line already shows.
  return found?.trim().replace(/^[a-z]+:\S*: (?=(error|warning): )/, '') ?? 'problems found (run check on this target alone for details)';
}

