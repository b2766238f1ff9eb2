import { createRequire } from 'node:module';

/**
 * A unified diff of two texts (the `diff` package's createTwoFilesPatch), loaded on first use:
 * its 19 modules are needed only when something differs (drift, a changed file on resume, a
 * schema comparison), and `status` starts faster without them.
 */
let diffModule: typeof import('diff') | null = null;

export function twoFilesPatch(oldName: string, newName: string, oldText: string, newText: string, options?: { context: number }): string {
  diffModule ??= createRequire(import.meta.url)('diff') as typeof import('diff');
  return options ? diffModule.createTwoFilesPatch(oldName, newName, oldText, newText, undefined, undefined, options) : diffModule.createTwoFilesPatch(oldName, newName, oldText, newText);
}
