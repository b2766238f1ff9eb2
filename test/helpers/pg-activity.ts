import type postgres from 'postgres';

/** Waits until PostgreSQL's own view shows a statement LIKE `pattern` active in `database` (fails after 15 s). */
export async function untilActive(admin: postgres.Sql, database: string, pattern: string): Promise<void> {
  for (const deadline = Date.now() + 15_000; ; ) {
    const [r] = await admin`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ${database} AND state = 'active' AND query LIKE ${pattern}`;
    if (r!.n > 0) return;
    if (Date.now() > deadline) throw new Error(`${pattern} never showed in pg_stat_activity`);
    await new Promise((resolve) => setTimeout(resolve, 20)); // polling the server's view
  }
}
