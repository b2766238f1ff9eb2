import test from 'ava';
import Database from 'better-sqlite3';
import { RULES } from '../src/engine/index.js';

/**
 * What SQLite's ADD COLUMN rules say SQLite does, checked against SQLite itself: it refuses a
 * NOT NULL column without a default, or a non-constant default, only on a table that has rows
 * (the rules once said "on any table, even an empty one", which a fresh database disproves).
 */
const FACTS = [
  { code: 'SL303', sql: 'ALTER TABLE t ADD COLUMN c INTEGER NOT NULL', error: 'Cannot add a NOT NULL column with default value NULL' },
  { code: 'SL304', sql: 'ALTER TABLE t ADD COLUMN c TEXT DEFAULT CURRENT_TIMESTAMP', error: 'Cannot add a column with non-constant default' },
];

for (const fact of FACTS) {
  test(`${fact.code}: SQLite refuses it on a table with rows and accepts it on an empty one, as the rule says`, (t) => {
    const rule = RULES.find((r) => r.code === fact.code)!;
    t.truthy(rule);
    t.regex(rule.why, /on a table that has any row/);
    t.regex(rule.why, /on an empty table it works/);
    t.true(rule.why.includes(fact.error));

    const empty = new Database(':memory:');
    empty.exec('CREATE TABLE t (id INTEGER)');
    t.notThrows(() => empty.exec(fact.sql), 'an empty table takes it');
    empty.close();

    const filled = new Database(':memory:');
    filled.exec('CREATE TABLE t (id INTEGER); INSERT INTO t (id) VALUES (1)');
    // better-sqlite3's SqliteError is not a native Error to ava's t.throws: caught by hand.
    let message = 'it did not throw';
    try {
      filled.exec(fact.sql);
    } catch (error) {
      message = (error as Error).message;
    }
    t.true(message.includes(fact.error), message);
    filled.close();
  });
}
