import test from 'ava';
import { cancelText } from '../src/engine/index.js';

/** What a cancel says it did: a rollback only where the step is one transaction. */
test('a cancel sent during a step in one transaction waits for the rollback; without a transaction it says what stays applied', (t) => {
  const inTransaction = cancelText({ kind: 'server', sent: true, runningMs: 1500, transactional: true });
  t.regex(inTransaction, /asked the server to cancel the running statement \(it had run 1\.5 s\); waiting for the rollback/);
  const without = cancelText({ kind: 'server', sent: true, runningMs: 1500, transactional: false });
  t.notRegex(without, /rollback/);
  t.regex(without, /runs without a transaction, so the statements before it stay applied/);
  t.regex(cancelText({ kind: 'server', sent: false, runningMs: 10, transactional: false }), /could not be asked to cancel/);
});
