/** One of our own queries (state rows and the like), `?` placeholders with their values. */
export interface Query {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** A query value the server computes when the query runs: written into the SQL by adapters that inline values, never bound. */
export class SqlExpression {
  constructor(readonly sql: string) {}
}

/**
 * How the server times a step whose state rows are sent before its statements answer (the
 * PostgreSQL pipeline): the rows' finish time and duration are computed where they run.
 */
export interface ServerTiming {
  /** `startedAt` (the client's clock, as the row's start) plus the time the server has spent since the step's BEGIN. */
  finishedAt(startedAt: string): SqlExpression;
  /** Milliseconds since the step's BEGIN, by the server's clock. */
  readonly durationMs: SqlExpression;
}

/**
 * A step's finishing queries (its version rows and log row). Called once the statements have
 * answered, with no argument: the client's clock times the row. A pipelining adapter calls it
 * with `ServerTiming` before they have, to send them in the same round trip.
 */
export type StepFinish = (server?: ServerTiming) => readonly Query[];
