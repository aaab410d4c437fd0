import type { DashboardActions } from './dashboard/server';
import { FUNCTION_PREFIX, type SandboxState, type SandboxWorld } from './boot';
import type { InvokeResult } from './offline';
import { resyncRowOf, resyncSummaryText } from './resync';
import { isSyncSummary, syncSummaryText } from './runs';
import { SyncGate } from './sync-gate';

/**
 * What a user (dashboard, e2e test) and the schedule can do to a running sandbox: run jiraSync or
 * portResync, emit sample events, resolve or re-activate a Halo issue. Each answers with the line
 * the dashboard announces; runs are recorded in the run log.
 */
export class SandboxActions {
  /** One resync at a time, as `reservedConcurrency: 1` guarantees in AWS. */
  private readonly resyncGate = new SyncGate();

  constructor(
    private readonly state: SandboxState,
    private readonly gate: SyncGate,
    private readonly hooks: { isStopping: () => boolean; changed: () => void },
  ) {}

  /** A jiraSync run requested now, queued behind any run in progress. */
  runJiraSync(): Promise<InvokeResult> {
    return this.gate.run(() => this.invokeJiraSync('manual'));
  }

  /** A scheduled run, dropped while another scheduled run is still waiting. */
  scheduledJiraSync(): Promise<InvokeResult | undefined> {
    return this.gate.tick(() => this.invokeJiraSync('schedule'));
  }

  /** A portResync run through the offline endpoint (the path jiraSync takes), queued behind one in progress. */
  runPortResync(trigger: 'start' | 'manual' = 'manual'): Promise<InvokeResult> {
    return this.resyncGate.run(() => this.invokePortResync(trigger));
  }

  /**
   * Emits the named sample, or with 'creating' every sample that only creates/updates entities
   * (their outcome does not depend on delivery order), or else the next sample in rotation.
   */
  async emitEvent(name?: string): Promise<number> {
    const emitter = this.state.emitter;
    if (!emitter) throw new Error('the event stream is not running yet');
    if (name === 'creating') {
      const creating = new Set((this.state.sampleEffects ?? []).filter((e) => e.deletes.length === 0 && e.creates.length > 0).map((e) => e.name));
      return emitter.emit(emitter.samples.filter((s) => creating.has(s.name)));
    }
    return emitter.emit(name ? [emitter.byName(name)] : undefined);
  }

  /** The dashboard's buttons. */
  forDashboard(): DashboardActions {
    return {
      resolveIssue: async (id) => {
        this.world().halo.resolveIssue(id);
        return `Resolved ${id} in Halo; jiraSync closes its ticket on the next run.`;
      },
      reactivateIssue: async (id) => {
        this.world().halo.reactivateIssue(id);
        return `Re-activated ${id} in Halo; jiraSync reopens or re-files its ticket on the next run.`;
      },
      runJiraSync: async () => {
        const out = await this.runJiraSync();
        if (!out.ok) throw new Error(`jiraSync failed: ${out.error}`);
        return `jiraSync finished: ${isSyncSummary(out.result) ? syncSummaryText(out.result) : 'done'}.`;
      },
      runPortResync: async () => {
        await this.runPortResync('manual');
        const last = this.state.lastResync;
        if (!last || last.error !== undefined) throw new Error(`portResync failed: ${last?.error ?? 'no answer'}`);
        return `portResync finished: ${resyncSummaryText(last)}.`;
      },
      emitEvent: async (sample) => `Emitted ${await this.emitEvent(sample)} event(s) onto the default bus.`,
    };
  }

  /** One jiraSync invocation through the offline Lambda endpoint, recorded in the run log. */
  private async invokeJiraSync(trigger: 'manual' | 'schedule'): Promise<InvokeResult> {
    const offline = this.state.offline;
    const stopping = this.hooks.isStopping();
    if (!offline || stopping) throw new Error(stopping ? 'the sandbox is stopping' : 'the functions are not running yet');
    const out = await offline.invoke(`${FUNCTION_PREFIX}jiraSync`, { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });
    const summary = out.ok && isSyncSummary(out.result) ? syncSummaryText(out.result) : (out.error ?? 'no summary');
    const failures = isSyncSummary(out.result) ? (out.result.failures?.length ?? 0) : 0;
    this.state.runs.add({ at: new Date().toISOString(), fn: 'jiraSync', trigger, ok: out.ok && failures === 0, summary });
    this.hooks.changed();
    return out;
  }

  /** One portResync invocation, recorded in the run log and as the dashboard's last resync. */
  private async invokePortResync(trigger: 'start' | 'manual'): Promise<InvokeResult> {
    const offline = this.state.offline;
    const stopping = this.hooks.isStopping();
    if (!offline || stopping) throw new Error(stopping ? 'the sandbox is stopping' : 'the functions are not running yet');
    const out = await offline.invoke(`${FUNCTION_PREFIX}portResync`, { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });
    const row = resyncRowOf(out, trigger, new Date());
    this.state.lastResync = row;
    this.state.runs.add({ at: row.at, fn: 'portResync', trigger, ok: row.ok, summary: resyncSummaryText(row) });
    this.hooks.changed();
    return out;
  }

  private world(): SandboxWorld {
    if (!this.state.world) throw new Error('the stand-ins are not running yet');
    return this.state.world;
  }
}
