import { spawnSync } from 'node:child_process';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** A real terminal: tmux on its own socket, keys sent as a person types them, the pane read back. */
export class Tmux {
  private readonly socket = `migrate-tui-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  constructor(command: string, cwd: string) {
    this.run('new-session', '-d', '-s', 'e2e', '-x', '110', '-y', '32', '-c', cwd, command);
  }
  private run(...args: string[]): string {
    const r = spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  }
  keys(...keys: string[]) {
    for (const k of keys) this.run('send-keys', '-t', 'e2e', k);
  }
  /** Sends text as one chunk (a paste): tmux writes it to the terminal in one go. */
  type(text: string) {
    this.run('send-keys', '-t', 'e2e', '-l', text);
  }
  screen(): string {
    return this.run('capture-pane', '-p', '-t', 'e2e');
  }
  /** The pid of the process the pane runs (the shell of the command). */
  panePid(): number {
    return Number(this.run('display-message', '-p', '-t', 'e2e', '#{pane_pid}').trim());
  }
  alternateScreen(): boolean {
    return this.run('display-message', '-p', '-t', 'e2e', '#{alternate_on}').trim() === '1';
  }
  /** Polls the pane until it shows `expected` (bounded): the terminal's own synchronisation. */
  async waitFor(expected: RegExp | string): Promise<string> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const s = this.screen();
      if (typeof expected === 'string' ? s.includes(expected) : expected.test(s)) return s;
      if (Date.now() > deadline) throw new Error(`tmux never showed ${String(expected)}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  kill() {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }
}
