/** What a headless command produces: text for people, a JSON value for tools, an exit code. */
export interface CommandResult {
  readonly text: string;
  readonly json: unknown;
  readonly exitCode?: number;
}

/** Options every command accepts (defined once on the program). */
export interface GlobalOptions {
  readonly dir: string;
  readonly json: boolean;
  readonly yes: boolean;
  readonly dialect?: string;
  readonly url?: string;
  /** Every --url given, in order (`verify` takes one server per dialect). */
  readonly urls?: readonly string[];
  readonly lockTimeout?: number;
  readonly connectTimeout?: number;
  readonly readOnly?: boolean;
}
