import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectMysqlFamily, detectPostgresFamily, describeCapabilities, parseCapabilityList, readConfigFile, settleCapabilities, SQLITE_CAPABILITIES, syntaxFor, validateTargets } from '../src/engine/index.js';
import { postgresSyntax } from '../src/engine/dialects/postgres.js';
import { leaseSettings, withCapabilities } from '../src/cli/wiring.js';
import { parseDatabaseUrl } from '../src/engine/index.js';
import { loadEngine } from '../src/cli/engine.js';
import { cli } from './helpers/cli.js';

/** Issue 16 item 4: the capability description — detection, settings, and what is refused. Pure, no database. */

test('detection from version(): CockroachDB and YugabyteDB in PostgreSQL\'s, TiDB in MySQL\'s; the usual servers keep advisory locks', (t) => {
  const crdb = detectPostgresFamily('CockroachDB CCL v23.1.11 (x86_64-pc-linux-gnu, built 2023/09/27 01:53:43, go1.19.10)');
  t.like(crdb, { engine: 'CockroachDB', advisoryLocks: false, transactionalDdl: false });
  const yb = detectPostgresFamily('PostgreSQL 11.2-YB-2.18.3.0-b0 on x86_64-pc-linux-gnu, compiled by clang version 15.0.3');
  t.like(yb, { engine: 'YugabyteDB', advisoryLocks: false, transactionalDdl: false, concurrently: true });
  t.like(detectPostgresFamily('PostgreSQL 15.8 (Debian 15.8-0+deb12u1) on x86_64-pc-linux-gnu'), { engine: 'PostgreSQL', advisoryLocks: true, transactionalDdl: true, concurrently: true });
  t.like(detectMysqlFamily('8.0.11-TiDB-v7.5.0'), { engine: 'TiDB', advisoryLocks: false, transactionalDdl: false });
  t.like(detectMysqlFamily('10.11.6-MariaDB-0+deb12u1'), { engine: 'MariaDB', advisoryLocks: true, transactionalDdl: false, concurrently: false });
  t.like(detectMysqlFamily('8.0.36'), { engine: 'MySQL', advisoryLocks: true });
  // The lock follows the flag: no advisory locks → the lease.
  t.is(settleCapabilities(crdb, undefined, null).lock, 'lease');
  t.is(settleCapabilities(detectPostgresFamily('PostgreSQL 15.8'), undefined, null).lock, 'advisory');
  t.is(settleCapabilities(SQLITE_CAPABILITIES, undefined, null).lock, 'file');
});

test('settings override detection and say where they came from; settings that would make a run lie are refused', (t) => {
  const pg = detectPostgresFamily('PostgreSQL 15.8');
  const off = settleCapabilities(pg, { advisoryLocks: false, transactionalDdl: false }, '--capabilities');
  t.like(off, { lock: 'lease', transactionalDdl: false, overriddenBy: '--capabilities' });
  t.deepEqual(off.overridden, ['advisoryLocks', 'transactionalDdl']);
  t.regex(describeCapabilities(off), /PostgreSQL: lock: lease row with a heartbeat \(no advisory locks\), DDL not transactional \(dirty-tracking\), CONCURRENTLY \(advisoryLocks, transactionalDdl set by --capabilities\)/);
  // The syntax the runner plans with follows the flag.
  t.false(syntaxFor(postgresSyntax, off).transactionalDdl);
  t.is(syntaxFor(postgresSyntax, settleCapabilities(pg, undefined, null)), postgresSyntax);
  // A setting equal to what was detected changes nothing.
  t.is(settleCapabilities(pg, { advisoryLocks: true }, 'x').overriddenBy, null);
  // A YugabyteDB known to have working advisory locks may be told so.
  t.is(settleCapabilities(detectPostgresFamily('PostgreSQL 11.2-YB-2.25.0.0'), { advisoryLocks: true }, 'x').lock, 'advisory');
  const maria = detectMysqlFamily('10.11.6-MariaDB');
  t.throws(() => settleCapabilities(maria, { transactionalDdl: true }, 'migrate-tui.config.json'), { message: /migrate-tui\.config\.json sets transactionalDdl=true, but MariaDB commits DDL implicitly/ });
  t.throws(() => settleCapabilities(maria, { concurrently: true }, 'x'), { message: /MariaDB has no CREATE INDEX CONCURRENTLY/ });
  t.throws(() => settleCapabilities(SQLITE_CAPABILITIES, { advisoryLocks: false }, '--capabilities'), { message: /--capabilities sets advisoryLocks for a SQLite database/ });
});

test('--capabilities, a fleet target\'s "capabilities" and the config file\'s: parsed, checked, and layered in that order', async (t) => {
  await loadEngine();
  t.deepEqual(parseCapabilityList('advisoryLocks=false, transactionalDdl=off', '--capabilities'), { advisoryLocks: false, transactionalDdl: false });
  t.throws(() => parseCapabilityList('advisoryLock=false', '--capabilities'), { message: /--capabilities: "advisoryLock=false" is not a capability setting/ });
  t.throws(() => parseCapabilityList('advisoryLocks', '--capabilities'), { message: /is not a capability setting/ });
  const pg = parseDatabaseUrl('postgres://u@h/db', '--url', '/');
  t.is(withCapabilities(pg, undefined, {}), pg);
  const fromConfig = withCapabilities(pg, undefined, { capabilities: { advisoryLocks: false } });
  t.deepEqual([fromConfig.capabilities, fromConfig.capabilitiesFrom], [{ advisoryLocks: false }, 'migrate-tui.config.json']);
  const both = withCapabilities({ ...pg, capabilities: { advisoryLocks: true, transactionalDdl: false }, capabilitiesFrom: 'target "a"' }, 'advisoryLocks=false', { capabilities: { concurrently: false } });
  t.deepEqual(both.capabilities, { concurrently: false, advisoryLocks: false, transactionalDdl: false });
  t.is(both.capabilitiesFrom, '--capabilities and target "a" and migrate-tui.config.json');
  // The config file's apply to servers only: SQLite's capabilities are fixed, and a fleet mixes both.
  const lite = parseDatabaseUrl('sqlite:./x.sqlite', '--url', '/');
  t.is(withCapabilities(lite, undefined, { capabilities: { advisoryLocks: false } }), lite);

  const fleet = validateTargets([{ name: 'crdb', url: 'postgres://u@h/db', capabilities: { advisoryLocks: false } }], 'targets.json', {}, '/');
  t.deepEqual(fleet.targets[0]!.connection.capabilities, { advisoryLocks: false });
  t.throws(() => validateTargets([{ name: 'x', url: 'postgres://u@h/db', capabilities: { advisoryLocks: 'no' } }], 'targets.json', {}, '/'), { message: /targets\.json: target "x" \(target 1\): "capabilities" must be an object like \{"advisoryLocks": false\}/ });

  const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-cap-'));
  writeFileSync(join(dir, 'migrate-tui.config.json'), JSON.stringify({ capabilities: { advisoryLocks: false }, lockTable: 'ops.lock_row', lease: { duration: 6, heartbeat: 2 } }));
  const config = readConfigFile(dir);
  t.deepEqual(leaseSettings(config, {}), { durationMs: 6000, heartbeatMs: 2000 });
  t.deepEqual(leaseSettings(config, { MIGRATE_TUI_LEASE_HEARTBEAT: '0.1' }), { durationMs: 6000, heartbeatMs: 100 });
  t.deepEqual(leaseSettings({}, {}), { durationMs: 30_000, heartbeatMs: 10_000 });
  t.deepEqual(leaseSettings({}, { MIGRATE_TUI_LEASE_DURATION: '3' }), { durationMs: 3000, heartbeatMs: 1000 });
  t.throws(() => leaseSettings({ lease: { duration: 1, heartbeat: 2 } }, {}), { message: /heartbeat \(2 s\) must be shorter than its duration \(1 s\)/ });
  t.throws(() => leaseSettings({}, { MIGRATE_TUI_LEASE_DURATION: 'soon' }), { message: /MIGRATE_TUI_LEASE_DURATION="soon" is not a number of seconds above 0/ });
  writeFileSync(join(dir, 'migrate-tui.config.json'), JSON.stringify({ capabilities: { advisoryLocks: 0 } }));
  t.throws(() => readConfigFile(dir), { message: /"capabilities" must be an object/ });
});

test('the CLI refuses a capability setting for SQLite and a bad --capabilities (exit 2), naming the setting', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'migrate-tui-cap-'));
  writeFileSync(join(dir, 'x.sqlite'), '');
  const sqlite = await cli(['--dir', dir, '--capabilities', 'advisoryLocks=false', '--url', `sqlite:${join(dir, 'x.sqlite')}`, 'status']);
  t.is(sqlite.code, 2, sqlite.stderr);
  t.regex(sqlite.stderr, /--capabilities sets advisoryLocks for a SQLite database\n {2}→ SQLite locks the file itself/);
  const bad = await cli(['--dir', dir, '--capabilities', 'locks=false', '--url', `sqlite:${join(dir, 'x.sqlite')}`, 'status']);
  t.is(bad.code, 2, bad.stderr);
  t.regex(bad.stderr, /names: advisoryLocks, transactionalDdl, concurrently/);
});
