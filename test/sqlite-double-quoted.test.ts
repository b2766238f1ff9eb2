import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { makeFolder } from './helpers/folders.js';

/**
 * A double-quoted string in a SQLite migration (gophish's goose files: `SET status = "Submitted Data"`):
 * SQLite's default build reads it as a string where no column has that name, migrate-tui's
 * better-sqlite3 (SQLITE_DQS=0) refuses it. The failure says which string and how to write it.
 */
test("SQLite's refusal of a double-quoted string names the string and its single-quoted spelling", async (t) => {
  const dir = makeFolder({
    '20160118194630_init.sql': "-- +goose Up\nCREATE TABLE results (id integer primary key, status varchar(255));\n\n-- +goose Down\nDROP TABLE results;\n",
    '20170104220731_result_statuses.sql': '-- +goose Up\nUPDATE results\nSET status = "it\'s ""done"""\nWHERE id = 1;\n\n-- +goose Down\nSELECT 1;\n',
  });
  const fresh = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'migrate-tui-dqs-')), 'app.sqlite')}`;
  const run = await cli(['--url', fresh(), '--dir', dir, '--yes', 'upgrade']);
  t.is(run.code, 1, run.stderr);
  t.regex(run.stderr, /no such column: "it's "done"" - should this be a string literal in single-quotes\?/);
  t.regex(run.stderr, /→ fix the SQL at .*20170104220731_result_statuses\.sql:2 and run again: write the string in single quotes, 'it''s "done"' — SQLite's default build \(SQLITE_DQS=3\) takes "it's "done"" as a string where no column has that name/);
  t.regex(run.stderr, /migrate-tui's SQLite \(better-sqlite3\) is built without that misfeature \(SQLITE_DQS=0/);
  // Another error keeps the plain hint.
  const other = makeFolder({ '1_a.up.sql': 'SELECT * FROM nowhere;\n', '1_a.down.sql': 'SELECT 1;\n' });
  const plain = await cli(['--url', fresh(), '--dir', other, '--yes', 'upgrade']);
  t.regex(plain.stderr, /→ fix the SQL at .*1_a\.up\.sql:1 and run again\n/);
});
