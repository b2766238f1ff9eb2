import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { makeFolder, pair } from './helpers/folders.js';

/**
 * A server that refuses the connection: the hint said "check the URL (--url, DATABASE_URL, DB_*
 * variables or migrate-tui.config.json)" for a fleet target (whose URL is in the targets file)
 * and for verify's --url (verify reads no other setting). It names where the URL came from.
 * Port 1 on loopback: nothing listens there, the connection is refused at once.
 */
const REFUSING = 'postgres://app:secret@127.0.0.1:1/app';
const GENERIC = /--url, DATABASE_URL, DB_\* variables or migrate-tui\.config\.json/;

test('a fleet target that refuses the connection: the hint names the target its URL comes from, not DATABASE_URL or the config file', async (t) => {
  const dir = makeFolder(pair('1'));
  const cwd = makeFolder({});
  writeFileSync(join(cwd, 'migrate-tui.targets.json'), JSON.stringify([{ name: 'eu-1', url: REFUSING }]));
  const r = await cli(['--targets', '--dir', dir, '--json', 'status'], { cwd });
  t.is(r.code, 1, r.stderr);
  const target = JSON.parse(r.stdout).targets[0];
  t.is(target.status, 'failed');
  t.regex(target.summary, /^FAILED: cannot connect to postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/app: connect ECONNREFUSED 127\.0\.0\.1:1 \(→ check the URL \(it comes from target "eu-1"\) and that the server is running\)$/);
  t.is(target.result.error.hint, 'check the URL (it comes from target "eu-1") and that the server is running');
  t.notRegex(r.stdout + r.stderr, GENERIC);
  t.notRegex(r.stdout + r.stderr, /secret/);
});

test("verify's --url that refuses the connection: the hint names verify's --url, the only setting verify reads", async (t) => {
  const dir = makeFolder(pair('1'));
  const r = await cli(['--dir', dir, 'verify', '--url', REFUSING, '--json'], { env: { DATABASE_URL: 'postgres://other@127.0.0.1:1/other' } });
  t.is(r.code, 1, r.stderr);
  const column = JSON.parse(r.stdout).columns.find((c: { dialect: string }) => c.dialect === 'postgres');
  t.is(column.error, "cannot connect to postgres://app:***@127.0.0.1:1/app: connect ECONNREFUSED 127.0.0.1:1 (check the URL (it comes from verify's --url) and that the server is running)");
  t.notRegex(r.stdout + r.stderr, GENERIC);
});

test('one database from --url: the hint still lists every setting a URL may come from', async (t) => {
  const dir = makeFolder(pair('1'));
  const r = await cli(['--url', REFUSING, '--dir', dir, 'status']);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /→ check the URL \(--url, DATABASE_URL, DB_\* variables or migrate-tui\.config\.json\) and that the server is running/);
});
