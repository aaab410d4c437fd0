/** The CLI kit every command is built on: see CONTRIBUTING.md "Add a command". */
export { withEnvFile, readEnvFile, parseEnvFile, type Env } from './env-file';
export { AuthError, CliError, EXIT, exitCodeFor, NotFoundError, PartialError, UsageError, type ExitCode } from './exit';
export { processIo, type Io } from './io';
export { addCommand, createProgram, examplesOf, main, onRun, parse, report, runProgram, type CommandSpec, type Example, type ProgramSpec } from './program';
