import test from 'ava';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { dialectSyntax, loadProject, type DatabaseAdapter } from '../src/engine/index.js';
import { findOtherTools } from '../src/engine/run/first-contact.js';
import { makeFolder } from './helpers/folders.js';

/**
 * sqlx's _sqlx_migrations mapped onto an sqlx folder, in process (a fake adapter answers the
 * catalogue query and the SELECT; real databases: sqlx-db.test.ts). The rule as a property:
 * the applied set suggests a stamp exactly when it is a prefix of the folder's order, else the
 * first revision it skips is named; the files said to differ are exactly those whose bytes are
 * not what the recorded SHA-384 is of.
 */
const sha384 = (text: string) => createHash('sha384').update(text).digest();

function fakeSqlx(rows: ReadonlyArray<{ version: string; success: boolean; checksum: Buffer }>, dialect: 'postgres' | 'mysql' | 'sqlite' = 'sqlite'): DatabaseAdapter {
  return {
    syntax: dialectSyntax(dialect),
    query: async (sql: string) =>
      /sqlite_master|information_schema/.test(sql)
        ? ['version', 'description', 'installed_on', 'success', 'checksum', 'execution_time'].map((c) => ({ table_name: '_sqlx_migrations', column_name: c, here: 1 }))
        : rows.map((r) => ({ version: r.version, success: dialect === 'postgres' ? r.success : r.success ? 1 : 0, checksum: r.checksum })),
  } as unknown as DatabaseAdapter;
}

test('property: a stamp is suggested exactly when the applied versions are a prefix of the folder (mapped by number: `0003_x.sql` is sqlx\'s 3); else the first one skipped is named; changed files are exactly the edited ones', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 7 }),
      fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
      fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
      async (numbers, appliedFlags, editedFlags) => {
        const sorted = [...numbers].sort((a, b) => a - b);
        const files: Record<string, string> = {};
        for (const n of sorted) files[`${String(n).padStart(4, '0')}_m${n}.sql`] = `CREATE TABLE t${n} (id int);\n`;
        const graph = loadProject(makeFolder(files)).graph;
        const applied = sorted.filter((_, i) => appliedFlags[i]);
        const edited = applied.filter((_, i) => editedFlags[i]);
        const rows = applied.map((n) => ({ version: String(n), success: true, checksum: sha384(edited.includes(n) ? `-- as sqlx applied it\n` : files[`${String(n).padStart(4, '0')}_m${n}.sql`]!) }));
        const [record] = await findOtherTools(fakeSqlx(rows), graph);
        if (!record || record.tool !== 'sqlx') return false;
        const id = (n: number) => String(n).padStart(4, '0');
        const prefix = applied.every((n, i) => n === sorted[i]);
        const changedOk = JSON.stringify(record.changed ?? []) === JSON.stringify(edited.map(String));
        if (applied.length === 0) return record.stamp === null && record.problem === null && changedOk;
        if (prefix) return record.stamp === id(applied[applied.length - 1]!) && record.problem === null && changedOk;
        const firstSkipped = sorted.find((n) => !applied.includes(n) && n < applied[applied.length - 1]!)!;
        return record.stamp === null && (record.problem ?? '').includes(`does not record ${id(firstSkipped)}`) && changedOk;
      },
    ),
    { numRuns: 80 },
  );
  t.pass();
});

test('a success = false row (PostgreSQL booleans, MySQL 0/1) refuses with sqlx\'s repair, naming the version; the rows that succeeded are the versions', async (t) => {
  const files = { '1_a.sql': 'SELECT 1;\n', '2_b.sql': 'SELECT 2;\n' };
  const graph = loadProject(makeFolder(files)).graph;
  for (const dialect of ['postgres', 'mysql'] as const) {
    const [record] = await findOtherTools(fakeSqlx([{ version: '1', success: true, checksum: sha384(files['1_a.sql']) }, { version: '2', success: false, checksum: sha384(files['2_b.sql']) }], dialect), graph);
    t.like(record, { tool: 'sqlx', dirty: true, versions: ['1'], stamp: null, stopped: '2' }, dialect);
    t.is(record!.position, '1 version applied: 1; FAILED (success = false): 2');
    t.regex(record!.problem ?? '', /sqlx itself refuses: "migration 2 is partially applied; fix and remove row from `_sqlx_migrations` table"\)[\s\S]*`DELETE FROM _sqlx_migrations WHERE version = 2`/);
  }
});
