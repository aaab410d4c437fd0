import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommanderError, type Command } from 'commander';
import {
  addCommand, AuthError, createProgram, EXIT, exitCodeFor, NotFoundError, onRun, parseEnvFile, PartialError, runProgram, UsageError, withEnvFile, type Io,
} from '../../../../shared/cli';
import { ConfigError, HttpError } from '../../../../shared/errors';

const ROOT = path.resolve(__dirname, '../../../..');

function capture(env: Record<string, string | undefined> = {}): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { env, stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

describe('exit-code table', () => {
  test.each<[string, unknown, number]>([
    ['UsageError', new UsageError('bad'), 2],
    ['ConfigError', new ConfigError([{ variable: 'X', value: undefined, expected: 'a value' }]), 2],
    ['commander parse error', new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"), 2],
    ['commander help shown', new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), 0],
    ['AuthError', new AuthError('refused'), 3],
    ['HTTP 401', new HttpError('no', 401, undefined), 3],
    ['HTTP 403', new HttpError('no', 403, undefined), 3],
    ['AWS credentials missing', Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }), 3],
    ['AWS 403 of any name', Object.assign(new Error('denied'), { name: 'SomethingDenied', $metadata: { httpStatusCode: 403 } }), 3],
    ['NotFoundError', new NotFoundError('gone'), 4],
    ['PartialError', new PartialError('half'), 5],
    ['HTTP 500', new HttpError('boom', 500, undefined), 1],
    ['AWS 500', Object.assign(new Error('x'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }), 1],
    ['any other error', new TypeError('oops'), 1],
    ['a thrown string', 'oops', 1],
  ])('%s → %i', (_kind, err, code) => {
    expect(exitCodeFor(err)).toBe(code);
  });

  test('docs/operations.md documents every code of the table, and no other', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/operations.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Exit codes'), doc.indexOf('\n## ', doc.indexOf('## Exit codes') + 1));
    const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(documented).toEqual(Object.values(EXIT));
  });
});

describe('.env files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cli-env-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (text: string): string => {
    const p = path.join(dir, '.env');
    writeFileSync(p, text);
    return p;
  };

  test('a variable set in the environment wins over the file; the file fills what is unset or empty', () => {
    const env = withEnvFile({ FROM_ENV: 'env', EMPTY: '', ONLY_ENV: 'e' }, file('FROM_ENV=file\nEMPTY=file\nONLY_FILE=file\n'));
    expect(env).toEqual({ FROM_ENV: 'env', EMPTY: 'file', ONLY_ENV: 'e', ONLY_FILE: 'file' });
  });

  test('no --env-file: the environment as it is', () => {
    const env = { A: '1' };
    expect(withEnvFile(env, undefined)).toBe(env);
  });

  test('a missing file is a usage error naming it', () => {
    expect(() => withEnvFile({}, path.join(dir, 'nope.env'))).toThrow(UsageError);
    expect(() => withEnvFile({}, path.join(dir, 'nope.env'))).toThrow(/--env-file .*nope\.env: ENOENT/);
  });

  test('comments, export, quotes (the installer\'s and the doctor\'s forms alike)', () => {
    expect(parseEnvFile('# c\nexport PORT_CLIENT_ID="id 1"\nPORT_CLIENT_SECRET=\'s=2\'\nX=a # note\n', '.env')).toEqual({ PORT_CLIENT_ID: 'id 1', PORT_CLIENT_SECRET: 's=2', X: 'a' });
  });

  test('a line that is not KEY=value is refused with file and line, not skipped', () => {
    expect(() => parseEnvFile('A=1\nbad line\n', 'prod.env')).toThrow(/^prod\.env:2: expected KEY=value/);
  });
});

describe('programs built with the kit', () => {
  const demo = (io: Io, handler: (opts: { n?: number }) => number | Promise<number>): Command => {
    const program = createProgram({ script: 'demo', description: 'a demo', examples: [{ command: 'npm run demo -- run', does: 'runs it' }] }, io);
    const run = addCommand(program, { name: 'run', description: 'run it', examples: [{ command: 'npm run demo -- run --n 3', does: 'three times' }] });
    onRun(run.option('--n <n>', 'how many', Number), handler);
    return program;
  };

  test('the action\'s return value is the exit code', async () => {
    const io = capture();
    expect(await runProgram(demo(io, () => EXIT.partial), ['run'], io)).toBe(5);
  });

  test('a UsageError from an action exits 2 with the message and a --help hint naming the subcommand', async () => {
    const io = capture();
    const code = await runProgram(demo(io, () => { throw new UsageError('--n must be odd'); }), ['run', '--n', '2'], io);
    expect(code).toBe(EXIT.usage);
    expect(io.stderr).toEqual(['error: --n must be odd', '(run "npm run demo -- run --help" for usage and examples)']);
  });

  test('an unknown option exits 2 with commander\'s message and the same hint, before the action runs', async () => {
    const io = capture();
    const handler = jest.fn(() => 0);
    const code = await runProgram(demo(io, handler), ['run', '--colour', 'red'], io);
    expect(code).toBe(EXIT.usage);
    expect(handler).not.toHaveBeenCalled();
    expect(io.stderr.join('\n')).toMatch(/unknown option '--colour'/);
    expect(io.stderr.join('\n')).toContain('(run "npm run demo -- run --help" for usage and examples)');
  });

  test('any other error prints its name and message and exits by the table', async () => {
    const io = capture();
    expect(await runProgram(demo(io, () => { throw new NotFoundError('stack x not found: deploy it'); }), ['run'], io)).toBe(EXIT.notFound);
    expect(await runProgram(demo(io, () => { throw new RangeError('boom'); }), ['run'], io)).toBe(EXIT.failure);
    expect(io.stderr).toEqual(['error: stack x not found: deploy it', 'error: RangeError: boom']);
  });

  test('--help shows the usage as typed and the examples, and exits 0', async () => {
    const io = capture();
    expect(await runProgram(demo(io, () => 0), ['run', '--help'], io)).toBe(EXIT.ok);
    const help = io.stdout.join('\n');
    expect(help).toContain('Usage: npm run demo -- run [options]');
    expect(help).toMatch(/Examples:\n {2}\$ npm run demo -- run --n 3 +# three times/);
  });

  test('a command without examples is refused when it is built', () => {
    expect(() => createProgram({ script: 'bare', description: 'no examples', examples: [] }, capture())).toThrow(/needs at least one example/);
  });

  test('SIGINT ends a running command with exit code 130', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, 'interrupt-fixture.ts')], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.once('data', () => child.kill('SIGINT'));
      child.on('exit', (c) => resolve(c));
    });
    expect(code).toBe(EXIT.interrupted);
  }, 30_000);
});
