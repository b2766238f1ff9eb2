import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { BIN } from './helpers/cli.js';
import { eachDatabase } from './helpers/databases.js';
import { notRun } from './helpers/not-run.js';
import { hasTmux, Tmux } from './helpers/tmux.js';

/**
 * The built binary in a real terminal: `V` during a long statement, then ctrl-c, then `V`
 * again and SIGTERM — each time the scratch database is gone from the server's list
 * afterwards. The statement is watched in pg_stat_activity, never waited for with a sleep.
 */
eachDatabase(
  'the binary in tmux: ctrl-c and SIGTERM during verify drop the scratch database',
  async (t, url) => {
    if (!hasTmux) return notRun(t, 'TMUX NOT INSTALLED: the verify terminal test did NOT run (apt-get install tmux)');
    const work = mkdtempSync(join(tmpdir(), 'migrate-tui-e2e-verify-'));
    mkdirSync(join(work, 'migrations'));
    writeFileSync(join(work, 'migrations', '1_slow.up.sql'), 'CREATE TABLE slow_t (id int);\n-- migrate:dialect postgres\nSELECT pg_sleep(60);\n-- migrate:end\n');
    writeFileSync(join(work, 'migrations', '1_slow.down.sql'), 'DROP TABLE slow_t;\n');
    const admin = postgres(process.env.TEST_POSTGRES_URL!, { max: 1, onnotice: () => {} });
    /** The scratch database running the sleep, and the pid of the migrate-tui that runs it (from its application_name). */
    const sleeping = async (): Promise<{ db: string; pid: number }> => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const rows = await admin.unsafe<Array<{ db: string; app: string }>>("SELECT datname AS db, application_name AS app FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'SELECT pg_sleep(60)%' AND datname LIKE 'migrate\\_tui\\_verify\\_%'");
        const row = rows.find((r) => /pid \d+/.test(r.app));
        if (row) return { db: row.db, pid: Number(/pid (\d+)/.exec(row.app)![1]) };
        if (Date.now() > deadline) throw new Error('the sleep never ran in a scratch database');
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const exists = async (db: string) => (await admin.unsafe('SELECT 1 FROM pg_database WHERE datname = $1', [db])).length > 0;
    const tmux = new Tmux(`node ${BIN} --url '${url}'; echo "EXIT=$?"; sleep 600`, work);
    try {
      await tmux.waitFor(/History \(1\)/);
      tmux.keys('V');
      const first = await sleeping();
      t.true(await exists(first.db));
      // The matrix fills in live: the cell says what its dialect is doing now.
      t.regex(await tmux.waitFor(/▶ 1\s+\[✓ \d+ ms\]\s+… up\s+slow/), /postgres: a new database on/);
      tmux.keys('C-c');
      await tmux.waitFor('cancelled; scratch databases dropped');
      t.false(await exists(first.db), 'ctrl-c: the scratch database is dropped');
      tmux.keys('Escape');
      await tmux.waitFor(/History \(1\)/);

      tmux.keys('V');
      const second = await sleeping();
      t.not(second.db, first.db);
      process.kill(second.pid, 'SIGTERM');
      await tmux.waitFor('EXIT=143');
      t.false(await exists(second.db), 'SIGTERM: the scratch database is dropped before the exit');
      t.false(tmux.alternateScreen(), 'the terminal is restored');
    } finally {
      tmux.kill();
      await admin.end();
    }
  },
  ['postgres'],
);
