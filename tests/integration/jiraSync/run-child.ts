import { spawn } from 'node:child_process';
import path from 'node:path';

/** Runs the real handler once in a child process (run-handler.ts); `killAt` polled every 2 ms → SIGKILL. */
const RUNNER = path.join(__dirname, 'run-handler.ts');

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runChild(env: Record<string, string>, killAt?: () => boolean): Promise<ChildRun> {
  return new Promise((resolve) => {
    // node itself runs the script (tsx as a loader): the tsx CLI would fork, and SIGKILL would orphan the real run.
    const child = spawn(process.execPath, ['--import', 'tsx', RUNNER], { env: { ...process.env, ...env, POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true', NODE_NO_WARNINGS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = killAt === undefined ? undefined : setInterval(() => killAt() && child.kill('SIGKILL'), 2);
    child.on('exit', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The summary line a finished run printed. */
export function summaryOf(run: ChildRun): Record<string, unknown> & { notRun?: string; failures: unknown[]; deferred: number; retrySet: { size: number } } {
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!);
}
