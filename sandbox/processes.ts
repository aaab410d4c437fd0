import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A child process started in its own process group, so stopping it also stops everything it
 * spawned (sls offline runs worker threads and may fork). Output is kept as a bounded tail and
 * handed line by line to `onLine`.
 */
export interface GroupProcess {
  pid: number;
  child: ChildProcess;
  /** Last lines of stdout+stderr, for error messages. */
  tail(): string;
  exited: Promise<number | null>;
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  onLine?: (line: string) => void;
  tailLines?: number;
}

export function spawnGroup(command: string, args: readonly string[], opts: SpawnOptions): GroupProcess {
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  const lines: string[] = [];
  const max = opts.tailLines ?? 80;
  const feed = (stream: NodeJS.ReadableStream | null): void => {
    let partial = '';
    stream?.on('data', (d: Buffer) => {
      const parts = (partial + d.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length > max) lines.shift();
        opts.onLine?.(line);
      }
    });
  };
  feed(child.stdout);
  feed(child.stderr);
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
  });
  return {
    pid,
    child,
    tail: () => lines.join('\n'),
    exited,
    stop: (graceMs = 5000) => stopGroup(pid, exited, graceMs),
  };
}

/** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves once the group is gone. */
async function stopGroup(pid: number, exited: Promise<unknown>, graceMs: number): Promise<void> {
  if (!signalGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
  // The leader may exit before its children: wait for the group itself to empty.
  while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
  const killDeadline = Date.now() + 3000;
  while (groupAlive(pid) && Date.now() < killDeadline) await sleep(50);
}

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is already gone
  }
}

export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
