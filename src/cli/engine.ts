/**
 * The engine, loaded when a command runs — not for `--version` or `--help`, which load only
 * the CLI (start-up). Every command's action runs after `loadEngine()` (program.ts), so
 * handlers use `engine.x` freely; import the engine's types with `import type`.
 */
export let engine: typeof import('../engine/index.js') = undefined as never;

export async function loadEngine(): Promise<typeof import('../engine/index.js')> {
  engine ??= await import('../engine/index.js');
  return engine;
}
