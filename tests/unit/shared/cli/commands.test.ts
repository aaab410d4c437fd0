import type { Command } from 'commander';
import { examplesOf, runProgram, type Io } from '../../../../shared/cli';
import { benchProgram } from '../../../../bench/run';
import { dlqProgram } from '../../../../ops/dlq/command';
import { doctorProgram } from '../../../../ops/doctor/command';
import { resyncProgram } from '../../../../ops/port-resync';
import { failuresProgram } from '../../../../ops/failures/command';
import { installProgram } from '../../../../port/installer/cli';
import { previewProgram } from '../../../../port/preview';
import { orgProgram } from '../../../../ops/org/command';

/** Every npm-run command and subcommand answers --help with its examples (nothing is called). */
const PROGRAMS: Record<string, (io: Io) => Command> = {
  dlq: (io) => dlqProgram(io),
  'jira:doctor': doctorProgram,
  'jira:failures': (io) => failuresProgram(io),
  'port:install': (io) => installProgram(io),
  'port:preview': previewProgram,
  'port:resync': (io) => resyncProgram(io),
  bench: (io) => benchProgram(io),
  'org:install': (io) => orgProgram(io),
};

function paths(cmd: Command, prefix: string[] = []): string[][] {
  return [prefix, ...cmd.commands.flatMap((c) => paths(c, [...prefix, c.name()]))];
}

describe.each(Object.entries(PROGRAMS))('npm run %s', (script, build) => {
  const io = (): Io & { stdout: string[] } => {
    const stdout: string[] = [];
    return { env: {}, stdout, out: (l) => stdout.push(l), err: () => undefined };
  };

  test.each(paths(build(io())).map((p) => [p.join(' ') || '(root)', p] as const))('%s --help lists its examples and exits 0', async (_name, sub) => {
    const capture = io();
    const program = build(capture);
    const cmd = sub.reduce<Command>((c, name) => c.commands.find((s) => s.name() === name) as Command, program);
    expect(examplesOf(cmd).length).toBeGreaterThan(0);
    expect(await runProgram(program, [...sub, '--help'], capture)).toBe(0);
    const help = capture.stdout.join('\n');
    expect(help).toContain(`Usage: npm run ${script} --`);
    for (const e of examplesOf(cmd)) {
      expect(help).toContain(`$ ${e.command}`);
      expect(e.command.startsWith(`npm run ${script}`)).toBe(true);
    }
  });
});
