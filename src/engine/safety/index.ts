/** Beside run — safety: data at risk, the downgrade preview, backups and restore. */
export * from './data-risk.js';
export * from './downgrade-preview.js';
export * from './backups.js';
export * from './rehearsal.js';
export * from './backup-owner.js';
export * from './applied-history.js';
