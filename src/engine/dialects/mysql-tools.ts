import { BackupToolError, findExecutable, toolVersion } from './dump-tools.js';

/**
 * The MySQL/MariaDB dump tool or client on PATH, checked against the server: missing, or a dump
 * tool older than the server, is a BackupToolError saying what to install. `restoring`: the
 * client for a restore, which has no --no-backup to offer.
 */
export function mysqlTool(kind: 'dump' | 'client', mariadb: boolean, serverVersion: string, restoring = false): { path: string; version: string } {
  const names = kind === 'dump' ? (mariadb ? ['mariadb-dump', 'mysqldump'] : ['mysqldump', 'mariadb-dump']) : mariadb ? ['mariadb', 'mysql'] : ['mysql', 'mariadb'];
  const path = findExecutable(...names);
  const serverMajor = Number(/(\d+)\./.exec(serverVersion)?.[1] ?? 0);
  if (!path) {
    const lost = restoring ? 'backup can be restored' : kind === 'dump' ? 'backup can be taken' : 'backup it takes could be restored';
    throw new BackupToolError(`${names.join(' or ')} is not installed (not on PATH), so no ${lost}`, `install the ${mariadb ? 'MariaDB' : 'MySQL'} client tools (Debian: ${mariadb ? 'mariadb-client' : 'default-mysql-client'})${restoring ? '' : ', or pass --no-backup'}`, { tools: names });
  }
  const version = toolVersion(path, /(\d+)\.\d+\.\d+(?:-MariaDB)?/);
  if (kind === 'dump' && version && /MariaDB/.test(version.text) === mariadb && version.major < serverMajor) {
    throw new BackupToolError(`${path.split('/').pop()} ${version.text} is older than the server (${serverVersion})`, "install client tools of the server's version, or pass --no-backup", { toolVersion: version.text });
  }
  return { path, version: version?.text ?? 'unknown version' };
}
