import { spawn } from 'node:child_process';
import path from 'node:path';

/** Runs the project's `sls` (osls) in the project root and collects its output. */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
const SLS = path.join(ROOT, 'node_modules', '.bin', 'sls');

export interface SlsRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function sls(args: string[], env: Record<string, string | undefined>, timeoutMs = 120_000): Promise<SlsRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(SLS, args, { cwd: ROOT, env: { ...process.env, NODE_NO_WARNINGS: '1', ...env } as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `sls invoke local` prints the handler's result as indented JSON after any log lines. */
export function invokeResult(stdout: string): unknown {
  const start = stdout.lastIndexOf('\n{\n');
  const text = start >= 0 ? stdout.slice(start + 1) : stdout.slice(stdout.indexOf('{'));
  return JSON.parse(text.trim());
}
