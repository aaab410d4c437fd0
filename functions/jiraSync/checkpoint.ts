import { GetParameterCommand, ParameterNotFound, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { PermanentError } from '../../shared/errors';

/**
 * The sync checkpoint in SSM Parameter Store: an ISO-8601 UTC instant. A missing parameter is
 * seeded with now − TIME_RANGE so the first run proceeds instead of failing.
 */
export interface CheckpointStore {
  /** The stored instant in ms, seeding the parameter with `seedMs` when it does not exist. */
  load(seedMs: number): Promise<{ ms: number; seeded: boolean }>;
  save(ms: number): Promise<void>;
}

export function ssmCheckpoint(ssm: Pick<SSMClient, 'send'>, name: string, opts: { readOnly?: boolean } = {}): CheckpointStore {
  return {
    async load(seedMs) {
      try {
        const out = await ssm.send(new GetParameterCommand({ Name: name }));
        const value = out.Parameter?.Value ?? '';
        const ms = Date.parse(value);
        if (Number.isNaN(ms)) {
          throw new PermanentError(`checkpoint parameter ${name} holds ${JSON.stringify(value.slice(0, 64))}; expected an ISO-8601 timestamp`, { name });
        }
        return { ms, seeded: false };
      } catch (err) {
        if (!(err instanceof ParameterNotFound) && (err as Error).name !== 'ParameterNotFound') throw err;
        if (opts.readOnly) return { ms: seedMs, seeded: true };
        try {
          await write(ssm, name, seedMs, false);
        } catch (raced) {
          // Someone else seeded it between our read and write: theirs stands, read it again.
          if ((raced as Error).name === 'ParameterAlreadyExists') return this.load(seedMs);
          throw raced;
        }
        return { ms: seedMs, seeded: true };
      }
    },
    async save(ms) {
      if (!opts.readOnly) await write(ssm, name, ms, true);
    },
  };
}

async function write(ssm: Pick<SSMClient, 'send'>, name: string, ms: number, overwrite: boolean): Promise<void> {
  await ssm.send(
    new PutParameterCommand({
      Name: name,
      Value: new Date(ms).toISOString(),
      Type: 'String',
      Overwrite: overwrite,
      Description: 'halo-jira-port jiraSync: Halo issues changed before this instant are reconciled',
    }),
  );
}

/** In-memory store for dry runs in tests and for the bench. */
export function memoryCheckpoint(initial?: number): CheckpointStore & { value: number | undefined } {
  const store = {
    value: initial,
    async load(seedMs: number) {
      if (store.value === undefined) {
        store.value = seedMs;
        return { ms: seedMs, seeded: true };
      }
      return { ms: store.value, seeded: false };
    },
    async save(ms: number) {
      store.value = ms;
    },
  };
  return store;
}
