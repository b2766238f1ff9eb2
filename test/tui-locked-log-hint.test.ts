import test from 'ava';
import { tuiHint } from '../src/tui/tui-hints.js';
import { reduceRunning, runningFlow } from '../src/tui/flows/running.js';
import type { RunEvent } from '../src/engine/index.js';

/**
 * A step whose writes to migrate-tui's log met another session's lock: the log counts fewer
 * statements than ran. The TUI said "press R (resolve): resume runs the rest", whose default
 * (r) runs the completed statements again, where the CLI names `--resume-at`; and after every
 * statement had run it showed the CLI's `migrate-tui resolve 005 --applied`.
 */
const failure = (meta: Record<string, unknown>) => ({ code: 'migration-failed', hint: 'the CLI hint (`migrate-tui resolve 005 --resume --resume-at 2`)', meta: { revision: '005', state: 'dirty', bookkeeping: true, ranInOwnTransaction: null, ...meta } });

test('after a progress write that met a lock on the log, the TUI names the key that resumes where the failure says, never a CLI flag', (t) => {
  const one = tuiHint(failure({ statement: 2, statements: 3, kept: 1, unmarked: { recorded: 0 } }));
  t.regex(one ?? '', /press R, then e \(resume after statement 1: it completed, though the log does not record it\)/);
  const two = tuiHint(failure({ statement: 3, statements: 3, kept: 2, unmarked: { recorded: 0 } }));
  t.regex(two ?? '', /press R, then n and type 3 \(resume at statement 3: statements 1–2 completed, though the log records none\)/);
  const done = tuiHint(failure({ statement: 3, statements: 2, kept: 2, unmarked: { recorded: 1 } }));
  t.regex(done ?? '', /every statement ran, and only migrate-tui's record of it failed: once that session has finished, press R and a \(applied\)/);
  for (const hint of [one, two, done]) t.notRegex(hint ?? '', /--[a-z]/, 'no CLI flag on a TUI screen');
  // A log that records what ran (the mark was written): resume's default is right, as before.
  t.regex(tuiHint(failure({ statement: 2, statements: 3, kept: 1, bookkeeping: false })) ?? '', /press R \(resolve\): resume runs the rest/);
});

test('the running screen says a finished statement finished while its progress is written (it showed it as "running now" for the whole wait on a locked log)', (t) => {
  let flow = runningFlow('upgrade to 005');
  flow = reduceRunning(flow, { type: 'step-start', index: 0, total: 1, revision: '005', direction: 'up', message: 'three', statements: 3, from: 1 } as RunEvent);
  flow = reduceRunning(flow, { type: 'statement-start', step: 0, index: 0, total: 3, line: 2, sql: 'SELECT pg_advisory_xact_lock(777)' } as RunEvent);
  t.falsy(flow.ended);
  flow = reduceRunning(flow, { type: 'statement-end', step: 0, index: 0, durationMs: 5 } as RunEvent);
  t.true(flow.ended, 'statement 1 is over: the run is writing the log');
  flow = reduceRunning(flow, { type: 'statement-start', step: 0, index: 1, total: 3, line: 3, sql: 'CREATE TABLE t1 (id int)' } as RunEvent);
  t.false(flow.ended);
  t.is(flow.statement, 2);
});
