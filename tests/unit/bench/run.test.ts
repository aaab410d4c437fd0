import { readdirSync } from 'node:fs';
import path from 'node:path';
import { BENCHMARKS, runBench } from '../../../bench/run';
import { EXIT, type Io } from '../../../shared/cli';

/** `npm run bench`: the list, and which script runs with which arguments (the scripts themselves are not run). */
function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { env: {}, stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

describe('npm run bench', () => {
  test('every benchmark script of bench/ is listed, and every listed one exists', () => {
    const scripts = readdirSync(path.resolve(__dirname, '../../../bench')).filter((f) => f.endsWith('.ts') && f !== 'run.ts');
    expect(BENCHMARKS.map((b) => b.file).sort()).toEqual(scripts.sort());
  });

  test.each([[['--list']], [[]]])('%j lists name, what it measures and the command, running nothing', async (argv) => {
    const io = capture();
    const run = jest.fn(async () => 0);
    expect(await runBench(argv, io, run)).toBe(EXIT.ok);
    expect(run).not.toHaveBeenCalled();
    for (const b of BENCHMARKS) {
      expect(io.stdout.join('\n')).toContain(`${b.name}`);
      expect(io.stdout.join('\n')).toContain(b.measures);
      expect(io.stdout.join('\n')).toContain(`$ npm run bench -- ${b.name} `);
    }
  });

  test('a name runs that script with the arguments after it, options included; its failure is exit 1', async () => {
    const run = jest.fn(async () => 3);
    expect(await runBench(['jira-sync', '--issues', '100', '--latency', '0'], capture(), run)).toBe(EXIT.failure);
    expect(run).toHaveBeenCalledWith('jira-sync.ts', ['--issues', '100', '--latency', '0']);
    const ok = jest.fn(async () => 0);
    expect(await runBench(['forwarder', '2000'], capture(), ok)).toBe(EXIT.ok);
    expect(ok).toHaveBeenCalledWith('forwarder.ts', ['2000']);
  });

  test('an unknown name is a usage error listing the names', async () => {
    const io = capture();
    expect(await runBench(['nope'], io, jest.fn())).toBe(EXIT.usage);
    expect(io.stderr[0]).toMatch(/no benchmark "nope"; there are forwarder, jira-sync/);
  });
});
