import { isatty } from 'node:tty';

/** Where a CLI run reads and writes; the real process, or a test's capture. */
export interface CliIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
  out(text: string): void;
  err(text: string): void;
  /** Once what `out` was given has been handed over: false when stdout's reader went away before (`| head -1`). Absent: always handed over (a capture). */
  outDelivered?(): Promise<boolean>;
  /** Asks one question on the terminal (only called when stdin is a TTY). */
  ask(question: string): Promise<string>;
}

export function processIo(): CliIo {
  // The reader went away (`migrate-tui upgrade --help | head -1`): Node raised EPIPE as an
  // unhandled 'error' event — a stack trace, exit 1. Writing stops instead; the command goes
  // on to its end (a run is never cut short because nobody reads its lines) with its own exit code.
  const gone = { out: false, err: false };
  const onError = (which: 'out' | 'err') => (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    gone[which] = true;
  };
  let lastOut: Promise<void> = Promise.resolve();
  process.stdout.on('error', onError('out'));
  process.stderr.on('error', onError('err'));
  return {
    cwd: process.cwd(),
    env: process.env,
    // isatty, not process.stdin.isTTY: reading that creates the stdin stream (start-up), and only a question needs it.
    stdinIsTTY: isatty(0),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    out: (text) => {
      if (gone.out) return;
      // The write's own callback says whether it reached the pipe (the 'error' event comes a tick later).
      lastOut = new Promise((done) => process.stdout.write(text, (error) => done(void (error && (gone.out = true)))));
    },
    outDelivered: async () => {
      await lastOut;
      return !gone.out;
    },
    err: (text) => void (gone.err || process.stderr.write(text)),
    ask: async (question) => {
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        // Ctrl-C rejects with an AbortError (a cancel: confirm says so, exit 130); end of input
        // (ctrl-d) is no answer, the default No. Both were readline's AbortError, exit 70.
        return await new Promise<string>((resolve, reject) => {
          let interrupted = false;
          rl.once('SIGINT', () => {
            interrupted = true;
            rl.close();
          });
          rl.once('close', () => (interrupted ? reject(Object.assign(new Error('Ctrl-C at the question'), { name: 'AbortError' })) : resolve('')));
          rl.question(question).then(resolve, () => undefined);
        });
      } finally {
        rl.close();
      }
    },
  };
}
