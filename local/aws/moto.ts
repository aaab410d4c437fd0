import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort, waitForPort } from '../ports';
import { awsTarget, MOTO_ACCOUNT, type AwsTarget } from './target';

/**
 * moto_server as the local AWS (SQS, SSM, KMS, EventBridge, CloudFormation), on 127.0.0.1 and a
 * free port. Code under test reaches it only through the standard AWS_ENDPOINT_URL variable.
 */
export interface Moto {
  endpoint: string;
  port: number;
  /** Environment for SDK clients and child processes (endpoint, region, dummy credentials). */
  env: Record<string, string>;
  /** The same, as config for SDK clients in this process. */
  aws: AwsTarget;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export { MOTO_ACCOUNT };

export function motoAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' }).status === 0;
}

export const MOTO_MISSING =
  "moto_server is not installed: run `npm run setup` (or `python3 -m pip install 'moto[server]'`)";

export async function startMoto(region = 'eu-west-1'): Promise<Moto> {
  if (!motoAvailable()) throw new Error(MOTO_MISSING);
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: false,
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  try {
    await waitForPort(port, 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`moto_server did not start: ${(err as Error).message}\n${stderr}`);
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const env = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
  };
  return {
    endpoint,
    port,
    env,
    aws: awsTarget(endpoint, region),
    reset: async () => {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
