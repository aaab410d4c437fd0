/**
 * Asynchronous bulk transitions (`POST /rest/api/3/bulk/issues/transition`, progress at
 * `GET /rest/api/3/bulk/queue/{taskId}`): a submitted task runs for `bulkTaskMs`, then applies
 * every transition at once. Issues that cannot take their transition (not valid from their status,
 * or a transition with a screen) fail one by one; unknown issues are only counted, as Jira does.
 */
import type { TransitionConfig } from './config';
import { jiraTime } from './issue-view';
import type { JiraSite } from './site';

/** Jira's limit per submit. */
export const BULK_TRANSITION_MAX = 1000;

export interface BulkTransitionInput {
  transitionId: string;
  issues: string[];
}

interface Result {
  processed: number[];
  failed: Record<string, string[]>;
  invalid: number;
  at: number;
}

interface BulkTask {
  taskId: string;
  created: number;
  completesAt: number;
  submittedBy: string;
  inputs: BulkTransitionInput[];
  total: number;
  result?: Result;
}

export class BulkTasks {
  private readonly tasks = new Map<string, BulkTask>();
  private nextId = 10_641;

  constructor(private readonly site: JiraSite) {}

  submit(inputs: BulkTransitionInput[]): string {
    const now = this.site.now();
    const taskId = String(this.nextId++);
    const total = inputs.reduce((n, i) => n + i.issues.length, 0);
    this.tasks.set(taskId, { taskId, created: now, completesAt: now + this.site.config.bulkTaskMs, submittedBy: this.site.config.accountId, inputs, total });
    return taskId;
  }

  /** Completes the tasks whose time has come (called before every request, so search sees them too). */
  advance(): void {
    const now = this.site.now();
    for (const task of this.tasks.values()) if (!task.result && now >= task.completesAt) task.result = this.run(task, now);
  }

  /** BulkOperationProgress, or undefined for an unknown task. */
  progress(taskId: string): Record<string, unknown> | undefined {
    const task = this.tasks.get(taskId);
    if (!task) return undefined;
    const now = this.site.now();
    const base = { taskId, submittedBy: { accountId: task.submittedBy }, created: jiraTime(task.created), totalIssueCount: task.total };
    if (!task.result) {
      const span = Math.max(task.completesAt - task.created, 1);
      const percent = Math.min(99, Math.floor(((now - task.created) / span) * 100));
      return percent <= 0
        ? { ...base, status: 'ENQUEUED', progressPercent: 0, updated: jiraTime(now) }
        : { ...base, status: 'RUNNING', progressPercent: percent, started: jiraTime(task.created), updated: jiraTime(now) };
    }
    return {
      ...base, status: 'COMPLETE', progressPercent: 100, started: jiraTime(task.created), updated: jiraTime(task.result.at),
      processedAccessibleIssues: task.result.processed,
      ...(Object.keys(task.result.failed).length > 0 ? { failedAccessibleIssues: task.result.failed } : {}),
      invalidOrInaccessibleIssueCount: task.result.invalid,
    };
  }

  reset(): void {
    this.tasks.clear();
  }

  private run(task: BulkTask, at: number): Result {
    const result: Result = { processed: [], failed: {}, invalid: 0, at };
    for (const input of task.inputs) {
      for (const ref of input.issues) {
        const issue = this.site.store.get(ref);
        if (!issue || !this.site.allowed('BROWSE_PROJECTS')) {
          result.invalid += 1;
          continue;
        }
        const chosen: TransitionConfig | undefined = this.site.workflow.find(issue.status, input.transitionId);
        if (!chosen) result.failed[issue.id] = [`The transition ${input.transitionId} is not valid for the issue's current status (${issue.status}).`];
        else if (chosen.hasScreen) result.failed[issue.id] = [`The transition "${chosen.name}" has a screen; bulk transitions run only transitions without screens.`];
        else if (!this.site.allowed('TRANSITION_ISSUES')) result.failed[issue.id] = ['You do not have permission to transition this issue.'];
        else {
          this.site.moveIssue(issue, chosen);
          result.processed.push(Number(issue.id));
        }
      }
    }
    return result;
  }
}
