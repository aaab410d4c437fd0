import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Command } from 'commander';
import { createProgram, EXIT, main, onRun, runProgram, UsageError, type Io } from '../shared/cli';

/**
 * `npm run bench -- --list` / `npm run bench -- <name> [args…]`: the benchmarks, each a script
 * of this folder that prints figures (never a timed test). Each runs in its own process, as it
 * would with `npx tsx bench/<file>`, so its peak RSS and timings are its own.
 */
interface Benchmark {
  name: string;
  file: string;
  measures: string;
  /** Arguments after the name, with their defaults. */
  args: string;
  /** Wall time of a default run on the project's machine class. */
  takes: string;
  needs?: string;
}

export const BENCHMARKS: readonly Benchmark[] = [
  {
    name: 'forwarder', file: 'forwarder.ts', args: '[events=10000] [batchSize=100] [parallel=4]', takes: '~5 s',
    measures: 'portForwarder events/s and HTTP requests per event against the Port stand-in (20 ms latency), peak RSS; bundle size and cold require',
  },
  {
    name: 'jira-sync', file: 'jira-sync.ts', args: '[--issues 10000] [--latency 50]', takes: '~2 min', needs: 'moto_server',
    measures: 'jiraSync over 10,000 Halo issues with 50 ms stand-in latency: wall time, Jira requests per issue and per ticket, peak RSS; a second run with no change',
  },
  {
    name: 'sandbox-start', file: 'sandbox-start.ts', args: '[runs=2] [issues=40]', takes: '~1 min', needs: 'moto_server',
    measures: '`npm start`: time to dashboard, to ready, to one ticket per demo issue, to the first Port entities, and to a complete stop',
  },
  {
    name: 'http-client', file: 'http-client.ts', args: '[requests=3000] [parallel=8] [bodyKiB=20]', takes: '~10 s',
    measures: 'HttpClient CPU per request in the client process, direct and through the egress proxy stand-in',
  },
  {
    name: 'port-resync', file: 'port-resync.ts', args: '[resources=5000] [latencyMs=50]', takes: '~8 min (four resyncs, docs/port.md)', needs: 'moto_server',
    measures: 'portResync over 5,000 moto resources, Port stand-in at 50 ms: wall time, Port requests per entity (first run and nothing changed, bulk API and ingest), AWS calls per resource, peak RSS',
  },
  {
    name: 'dlq-replay', file: 'dlq-replay.ts', args: '[messages=500]', takes: 'moto-bound: 100 messages replay in ~2 s', needs: 'moto_server',
    measures: '`npm run dlq` against moto: peek time of `list`, throughput of `replay --copy`',
  },
];

function listing(): string[] {
  const width = Math.max(...BENCHMARKS.map((b) => b.name.length));
  return BENCHMARKS.flatMap((b) => [
    `${b.name.padEnd(width)}  ${b.measures}`,
    `${' '.repeat(width)}  $ npm run bench -- ${b.name} ${b.args}   (${b.takes}${b.needs ? `; needs ${b.needs}` : ''})`,
  ]);
}

type RunScript = (file: string, args: readonly string[]) => Promise<number>;

/** Runs a benchmark script in a child process, its output straight to the terminal. */
const runScript: RunScript = (file, args) =>
  new Promise((resolve, reject) => {
    const tsx = path.resolve(__dirname, '../node_modules/tsx/dist/cli.mjs');
    const child = spawn(process.execPath, [tsx, path.join(__dirname, file), ...args], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? EXIT.failure));
  });

interface BenchOptions {
  list?: boolean;
}

export function benchProgram(io: Io, run: RunScript = runScript): Command {
  const program = createProgram({
    script: 'bench',
    description: 'List the benchmarks, or run one. They print figures; README "Benchmarks" holds the last ones measured.',
    examples: [
      { command: 'npm run bench -- --list', does: 'name, what it measures, how to run it' },
      { command: 'npm run bench -- forwarder', does: 'portForwarder throughput and footprint' },
      { command: 'npm run bench -- jira-sync --issues 1000', does: 'a smaller jiraSync run' },
    ],
  }, io)
    .argument('[name]', `one of: ${BENCHMARKS.map((b) => b.name).join(', ')}`)
    .argument('[args...]', "the benchmark's own arguments (see --list)")
    .option('--list', 'list the benchmarks (also without a name)')
    .passThroughOptions();
  return onRun<BenchOptions>(program, async (opts, [name, args]) => {
    if (opts.list || name === undefined) {
      for (const line of listing()) io.out(line);
      return EXIT.ok;
    }
    const bench = BENCHMARKS.find((b) => b.name === name);
    if (!bench) throw new UsageError(`no benchmark "${String(name)}"; there are ${BENCHMARKS.map((b) => b.name).join(', ')}`);
    return (await run(bench.file, (args as string[] | undefined) ?? [])) === 0 ? EXIT.ok : EXIT.failure;
  });
}

export function runBench(argv: readonly string[], io: Io, run?: RunScript): Promise<number> {
  return runProgram(benchProgram(io, run), argv, io);
}

if (require.main === module) main(runBench);
