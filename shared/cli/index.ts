/** The CLI kit every command is built on: see CONTRIBUTING.md "Add a command". */
export { envFileOption, parseEnvFile, withEnvFile } from './env-file';
export { AuthError, EXIT, exitCodeFor, NotFoundError, PartialError, UsageError } from './exit';
export type { Io } from './io';
export { addCommand, createProgram, examplesOf, main, onRun, parse, runProgram } from './program';
