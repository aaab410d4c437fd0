import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { freePort, waitForPort } from '../local/ports';
import { SLS_BIN } from '../local/aws/stack';
import { spawnGroup, type GroupProcess } from './processes';

/**
 * The service itself under `sls offline start --stage local`: serverless-offline hosts both
 * functions (Lambda invoke endpoint on a free port, the schedule for jiraSync) and
 * serverless-offline-sqs polls moto's queue for portForwarder. Runs in its own process group.
 */
export interface Offline {
  lambdaEndpoint: string;
  process: GroupProcess;
  /** Invokes a function through the offline Lambda endpoint and returns its parsed result. */
  invoke(functionName: string, payload?: unknown): Promise<InvokeResult>;
  stop(): Promise<void>;
}

export interface InvokeResult {
  ok: boolean;
  result: unknown;
  error?: string;
}

export interface OfflineOptions {
  projectDir: string;
  env: NodeJS.ProcessEnv;
  onLine?: (line: string) => void;
  readyTimeoutMs?: number;
}

export async function startOffline(opts: OfflineOptions): Promise<Offline> {
  const [lambdaPort, httpPort] = [await freePort(), await freePort()];
  const proc = spawnGroup(process.execPath, [SLS_BIN(opts.projectDir), 'offline', 'start', '--stage', 'local'], {
    cwd: opts.projectDir,
    env: { ...opts.env, OFFLINE_LAMBDA_PORT: String(lambdaPort), OFFLINE_HTTP_PORT: String(httpPort) },
    onLine: opts.onLine,
    tailLines: 200,
  });
  const lambdaEndpoint = `http://127.0.0.1:${lambdaPort}`;
  const died = proc.exited.then((code) => {
    throw new Error(`sls offline exited (code ${code}) before it was ready:\n${proc.tail()}`);
  });
  try {
    await Promise.race([waitForPort(lambdaPort, opts.readyTimeoutMs ?? 90_000), died]);
  } catch (err) {
    await proc.stop(2000);
    throw err;
  }
  died.catch(() => undefined); // later exits are reported through `process.exited`
  const lambda = new LambdaClient({
    region: opts.env.AWS_REGION ?? 'eu-west-1',
    endpoint: lambdaEndpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return {
    lambdaEndpoint,
    process: proc,
    invoke: async (functionName, payload = {}) => {
      const out = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(payload)) }));
      const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
      const result = parseJson(text);
      if (out.FunctionError) {
        const err = result as { errorType?: string; errorMessage?: string } | undefined;
        return { ok: false, result, error: `${err?.errorType ?? out.FunctionError}: ${err?.errorMessage ?? text.slice(0, 300)}` };
      }
      return { ok: true, result };
    },
    stop: async () => {
      lambda.destroy();
      await proc.stop(5000);
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}
