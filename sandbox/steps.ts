import type { StartupStep } from './snapshot';

/** The start-up steps in the order the dashboard lists them. */
export const STARTUP_STEPS = [
  ['stand-ins', 'Halo, Jira and Port stand-ins with demo data'],
  ['moto', 'moto_server (local AWS)'],
  ['stack', 'Stack resources from resources/ deployed into moto CloudFormation'],
  ['secrets', 'Secrets (SSM SecureString, KMS ciphertext) and the jiraSync checkpoint in moto'],
  ['inventory', 'AWS resources of each kind in moto, for portResync to list'],
  ['member-account', 'A second account of the organisation in moto, with resources of its own'],
  ['port-install', 'Port installer (port-only) against the Port stand-in'],
  ['offline', 'Functions under serverless-offline (+ SQS poller on moto)'],
] as const;

export type StepId = (typeof STARTUP_STEPS)[number][0];

/**
 * Runs and records each start-up step: status, duration, a one-line detail, a progress line.
 * Once `halt()` is called (the sandbox is stopping) the step in flight finishes and no other starts.
 */
export class StartupSteps {
  private readonly steps: StartupStep[] = STARTUP_STEPS.map(([id, title]) => ({ id, title, status: 'pending' }));
  private halted = false;

  constructor(private readonly log: (line: string) => void = () => undefined, private readonly clock: () => number = Date.now) {}

  async run<T>(id: StepId, work: () => Promise<T>, detail?: (out: T) => string): Promise<T> {
    const s = this.steps.find((x) => x.id === id)!;
    if (this.halted) throw new Error(`stopped before: ${s.title}`);
    const t0 = this.clock();
    s.status = 'running';
    this.log(`… ${s.title}`);
    try {
      const out = await work();
      Object.assign(s, { status: 'done', ms: this.clock() - t0, detail: detail?.(out) });
      this.log(`✔ ${s.title} (${((this.clock() - t0) / 1000).toFixed(1)} s)${s.detail ? `: ${s.detail}` : ''}`);
      return out;
    } catch (err) {
      Object.assign(s, { status: 'failed', ms: this.clock() - t0, detail: (err as Error).message });
      this.log(`✖ ${s.title}: ${(err as Error).message}`);
      throw err;
    }
  }

  halt(): void {
    this.halted = true;
  }

  list(): StartupStep[] {
    return this.steps.map((s) => ({ ...s }));
  }
}
