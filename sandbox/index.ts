/** Programmatic API of the local sandbox (`npm start` and the e2e tests use it). */
export { startSandbox, type Sandbox, type SandboxOptions } from './sandbox';
export type { Snapshot } from './snapshot';
