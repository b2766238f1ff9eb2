/** Polls a condition read from the database (bounded, 20 s): synchronisation on the server's own view, not a sleep. */
export async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`never saw ${what}: ${JSON.stringify(v)}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
