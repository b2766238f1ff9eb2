import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { binaryAsync } from './helpers/cli.js';
import { eachDatabase, withDb } from './helpers/databases.js';
import { makeFolder } from './helpers/folders.js';

/** A Flyway folder as it ships, on real databases, through the built binary: upgrade in Flyway's version order, status, downgrade through the U files. */
const STATE = ['migrate_tui_version', 'migrate_tui_log', 'migrate_tui_log_text'];
// Run in the folder itself, so the backup written by one run is listed by the next.
const run = (url: string, dir: string, ...args: string[]) => binaryAsync(['--url', url, '--dir', dir, ...args], { cwd: dir });
const tables = async (url: string) => Object.keys((await withDb(url, (db) => db.schema(STATE))).tables).sort();

const FLYWAY = {
  'V1__create_users.sql': 'CREATE TABLE users (id int);\n',
  'U1__create_users.sql': 'DROP TABLE users;\n',
  // 1.9 must run before 1.10: 1.10 adds a column to the table that 1.9 creates.
  'V1.10__add_note.sql': 'ALTER TABLE nine ADD note varchar(20);\n',
  'U1.10__add_note.sql': 'ALTER TABLE nine DROP COLUMN note;\n',
  'V1_9__nine.sql': "-- flyway:executeInTransaction=false\nCREATE TABLE nine (id int);\nINSERT INTO nine (id) VALUES (9);\n",
  'U1_9__nine.sql': 'DROP TABLE nine;\n',
};

eachDatabase(
  'Flyway folder: upgrade in version order (1.9 before 1.10), status, downgrade through U files to 1 (with a backup, restored), and to base',
  async (t, url) => {
    const dir = makeFolder(FLYWAY);
    const up = await run(url, dir, '--yes', 'upgrade');
    t.is(up.code, 0, up.stderr);
    t.regex(up.stderr + up.stdout, /1\.9 nine[\s\S]*1\.10 add note/);
    t.deepEqual(await tables(url), ['nine', 'users']);
    const note = await withDb(url, (db) => db.query<{ id: number; note: string | null }>('SELECT id, note FROM nine'));
    t.deepEqual(note.map((r) => [Number(r.id), r.note]), [[9, null]]);

    const status = await run(url, dir, 'status');
    t.is(status.code, 0, status.stderr);
    t.regex(status.stdout, /current:\s+1\.10 add note/);
    t.regex(status.stdout, /applied:\s+3 of 3 revisions/);

    // With a backup: its manifest records the dotted id, and `backups` reads it back.
    const toOne = await run(url, dir, '--yes', 'downgrade', '1');
    t.is(toOne.code, 0, toOne.stderr);
    const backups = await run(url, dir, 'backups');
    t.is(backups.code, 0, backups.stderr);
    t.regex(backups.stdout, /at 1\.10 .*before downgrade to 1/);
    t.deepEqual(await tables(url), ['users']);
    t.regex((await run(url, dir, 'status')).stdout, /current:\s+1 create users/);

    // Restoring it reads the manifest, dotted ids and all, and sets the version rows back to 1.10.
    const file = readdirSync(join(dir, 'backups')).find((n) => !n.endsWith('.json'))!;
    const restore = await run(url, dir, '--yes', 'restore', join(dir, 'backups', file));
    t.is(restore.code, 0, restore.stderr);
    t.deepEqual(await tables(url), ['nine', 'users']);
    t.regex((await run(url, dir, 'status')).stdout, /current:\s+1\.10 add note/);

    const base = await run(url, dir, '--yes', 'downgrade', 'base', '--no-backup');
    t.is(base.code, 0, base.stderr);
    t.deepEqual(await tables(url), []);
  },
  ['sqlite', 'postgres'],
);

eachDatabase(
  "a MySQL Flyway file with DELIMITER $$ and END$$ (conductor's V8__update_pk.sql) applies whole: the procedures exist and ran",
  async (t, url) => {
    const dir = makeFolder({
      'V1__t.sql': 'CREATE TABLE t (id INT NOT NULL, note VARCHAR(20));\n',
      'V2__procs.sql': [
        'DELIMITER $$',
        'DROP PROCEDURE IF EXISTS `AddPk`$$',
        'CREATE PROCEDURE `AddPk`(IN tableName VARCHAR(128))',
        'BEGIN',
        '    DECLARE pk_exists INT DEFAULT 0;',
        '    SELECT COUNT(1) INTO pk_exists FROM INFORMATION_SCHEMA.STATISTICS',
        "      WHERE TABLE_NAME = tableName AND INDEX_NAME = 'PRIMARY' AND TABLE_SCHEMA = database();",
        '    IF pk_exists = 0 THEN',
        "        SET @stmt = CONCAT('ALTER TABLE ', tableName, ' ADD PRIMARY KEY (id)');",
        '        PREPARE st FROM @stmt;',
        '        EXECUTE st;',
        '        DEALLOCATE PREPARE st;',
        '    END IF;',
        'END$$',
        'DELIMITER ;',
        "CALL AddPk('t');",
        '',
      ].join('\n'),
    });
    const up = await run(url, dir, '--yes', 'upgrade');
    t.is(up.code, 0, up.stderr);
    t.regex(up.stdout + up.stderr, /2 procs \(3 statements\) done/);
    const pk = await withDb(url, (db) => db.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 't' AND index_name = 'PRIMARY'"));
    t.is(Number(pk[0]!.n), 1);
  },
  ['mariadb'],
);
