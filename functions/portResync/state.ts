import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

/**
 * Where a resync that ran out of time continues: the sources still to do and the counts so far,
 * plus the summary of the last finished resync (the sandbox dashboard shows it). One SSM String
 * parameter holding JSON; a missing parameter means "start a new resync".
 */
export interface Counts {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  failed: number;
}

export interface Progress {
  runId: string;
  startedAt: string;
  /** Sources not finished yet, in order. */
  pending: string[];
  counts: Counts;
  /** Wall time spent in earlier invocations of this run. */
  elapsedMs: number;
}

export interface ResyncSummary extends Counts {
  runId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  invocations: number;
  sources: string[];
}

export interface ResyncState {
  progress?: Progress & { invocations: number };
  last?: ResyncSummary;
}

export interface StateStore {
  load(): Promise<ResyncState>;
  save(state: ResyncState): Promise<void>;
}

export const zeroCounts = (): Counts => ({ created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 });

export function ssmState(ssm: Pick<SSMClient, 'send'>, name: string): StateStore {
  return {
    async load() {
      try {
        const out = await ssm.send(new GetParameterCommand({ Name: name }));
        return JSON.parse(out.Parameter?.Value ?? '{}') as ResyncState;
      } catch (err) {
        if ((err as Error).name === 'ParameterNotFound') return {};
        // An unreadable value is not worth failing for: the next resync starts from scratch.
        if (err instanceof SyntaxError) return {};
        throw err;
      }
    },
    async save(state) {
      await ssm.send(new PutParameterCommand({ Name: name, Value: JSON.stringify(state), Type: 'String', Overwrite: true, Description: 'halo-jira-port portResync: progress of an unfinished resync and the last summary' }));
    },
  };
}

export function memoryState(initial: ResyncState = {}): StateStore & { value: ResyncState } {
  const store = {
    value: initial,
    async load() {
      return structuredClone(store.value);
    },
    async save(state: ResyncState) {
      store.value = structuredClone(state);
    },
  };
  return store;
}
