import type { BlockingSession } from './adapter.js';

/** The sessions a wait is behind, as messages name them: `pid 4242 (psql, idle in transaction, query started …: …)`. */
export function describeBlockers(sessions: readonly BlockingSession[]): string {
  if (sessions.length === 0) return 'a session the database did not name (it may have ended by the time it was asked, or its lock is one the server does not list, as MariaDB\'s LOCK TABLES without the metadata_lock_info plugin)';
  const behind = (s: BlockingSession) => (s.waitsFor && s.waitsFor.length > 0 ? `; itself waiting for ${s.waitsFor.map((p) => `${s.kind ?? 'pid'} ${p}`).join(', ')}` : '');
  return sessions.map((s) => `${s.kind ?? 'pid'} ${s.pid} (${s.application || 'no application name'}, ${s.state || 'unknown state'}${s.queryStart ? `, query started ${s.queryStart}` : ''}${s.query ? `: ${s.query.replace(/\s+/g, ' ').slice(0, 60)}` : ''}${behind(s)})`).join(', ');
}
