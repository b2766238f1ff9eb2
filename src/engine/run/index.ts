/** Stage 4 — run: steps executed on a database under the lock, the state tables, and the events a run emits. */
export * from './events.js';
export * from './steps.js';
export type { GraphSource, MigratorOptions, RowChange } from './runner.js';
export { StepRunner } from './runner.js';
export type { ResolveMode, ResolvePreview, ResumeSource } from './resolve.js';
export { requireResumeSource, resolveDestroys } from './resolve.js';
export * from './runtime-errors.js';
export * from './database-state.js';
export * from './state-store.js';
export * from './cancel.js';
export { DEFAULT_LEASE, describeHolder, isStale, leaseJson, readLease, StaleLockError, type LeaseHolder, type LeaseSettings } from './lease-lock.js';
export * from './other-tools.js';
export { changedWords, describeOtherTool, migratedBy, OtherToolError, otherToolWayOut, stampArguments, takeOverLines } from './other-tools-map.js';
export type { CoveredTarget, StampResult } from './stamp.js';
export { findOtherTools, hasNoRecord, otherToolRefusal } from './first-contact.js';
