import { isatty } from 'node:tty';

/** Where a CLI run reads and writes; the real process, or a test's capture. */
export interface CliIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
  out(text: string): void;
  err(text: string): void;
  /** Asks one question on the terminal (only called when stdin is a TTY). */
  ask(question: string): Promise<string>;
}

export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    // isatty, not process.stdin.isTTY: reading that creates the stdin stream (start-up), and only a question needs it.
    stdinIsTTY: isatty(0),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
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
