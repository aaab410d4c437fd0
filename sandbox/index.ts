/** Programmatic API of the local sandbox (`npm start` and the e2e tests use it). */
export { startSandbox, type Sandbox, type SandboxOptions, type SandboxState } from './sandbox';
export type { Snapshot, HaloIssueRow, TicketRow, BlueprintEntities, DeadLetterRow, RunRow, StartupStep } from './snapshot';
export type { InvokeResult } from './offline';
