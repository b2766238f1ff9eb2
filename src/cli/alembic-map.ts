import type { Command } from 'commander';

/**
 * Each command's Alembic equivalent, shown at the end of its `--help` (the README's
 * "Alembic command map" lists the same).
 */
export const ALEMBIC_EQUIVALENT: Readonly<Record<string, string>> = {
  init: 'alembic init (the state tables; the folder needs no setup)',
  status: 'alembic current + alembic check (pending, drift, gaps)',
  current: 'alembic current [--verbose]',
  upgrade: 'alembic upgrade <rev> [--sql] [a:b]',
  downgrade: 'alembic downgrade <rev> [--sql] [a:b]',
  reset: 'alembic downgrade base',
  stamp: 'alembic stamp <rev> [<rev>…] (always the whole set, as --purge)',
  heads: 'alembic heads [--verbose]',
  branches: 'alembic branches',
  history: 'alembic history [--verbose] [-r a:b]',
  show: 'alembic show <rev|head|heads|base|current>',
  revision: 'alembic revision -m <msg> [--head] [--branch-label] [--depends-on]',
  merge: 'alembic merge heads [-m <msg>]',
  check: 'alembic check (and more: files, graph, drift)',
};

export function addAlembicHelp(program: Command): void {
  for (const command of program.commands) {
    const alembic = ALEMBIC_EQUIVALENT[command.name()];
    if (alembic) command.addHelpText('after', `\nAlembic equivalent: ${alembic}\n`);
  }
}
