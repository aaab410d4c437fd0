/** The project's workflow: which transitions an issue may take from its status. Pure, no I/O. */
import type { StatusCategoryKey, StatusConfig, TransitionConfig, WorkflowConfig } from './config';

const CATEGORIES: Record<StatusCategoryKey, { id: number; colorName: string; name: string }> = {
  new: { id: 2, colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, colorName: 'green', name: 'Done' },
};

export class Workflow {
  constructor(readonly config: WorkflowConfig) {}

  status(nameOrId: string): StatusConfig | undefined {
    const wanted = nameOrId.toLowerCase();
    return this.config.statuses.find((s) => s.name.toLowerCase() === wanted || s.id === nameOrId);
  }

  /** Transitions available from `statusName`, in workflow order. */
  availableFrom(statusName: string): TransitionConfig[] {
    return this.config.transitions.filter((t) => t.from.includes(statusName));
  }

  /** The transition `id` if it is valid from `statusName`. */
  find(statusName: string, id: string): TransitionConfig | undefined {
    return this.availableFrom(statusName).find((t) => t.id === id);
  }

  /** StatusDetails as Jira renders it. */
  statusDetails(s: StatusConfig, siteUrl: string): Record<string, unknown> {
    const cat = CATEGORIES[s.category];
    return {
      self: `${siteUrl}/rest/api/3/status/${s.id}`,
      description: '',
      iconUrl: `${siteUrl}/images/icons/statuses/generic.png`,
      name: s.name,
      id: s.id,
      statusCategory: { self: `${siteUrl}/rest/api/3/statuscategory/${cat.id}`, id: cat.id, key: s.category, colorName: cat.colorName, name: cat.name },
    };
  }

  /** IssueTransition as GET …/transitions lists it. */
  issueTransition(t: TransitionConfig, siteUrl: string): Record<string, unknown> {
    const to = this.status(t.to);
    return {
      id: t.id, name: t.name, to: to ? this.statusDetails(to, siteUrl) : undefined,
      hasScreen: false, isGlobal: false, isInitial: false, isAvailable: true, isConditional: false, isLooped: false,
    };
  }

  /** Workflow as GET /rest/api/3/workflow/search?expand=transitions,statuses returns it. */
  workflowBean(expand: string[]): Record<string, unknown> {
    const idOf = (name: string): string => this.status(name)?.id ?? name;
    return {
      id: { name: this.config.name, entityId: 'b9ff2384-d3b6-4d4e-9509-3ee19f607168' },
      description: `Workflow of the stand-in project (${this.config.statuses.length} statuses)`,
      isDefault: false,
      ...(expand.includes('transitions')
        ? {
            transitions: this.config.transitions.map((t) => ({
              id: t.id, name: t.name, description: '', from: t.from.map(idOf), to: idOf(t.to), type: 'directed',
            })),
          }
        : {}),
      ...(expand.includes('statuses') ? { statuses: this.config.statuses.map((s) => ({ id: s.id, name: s.name })) } : {}),
    };
  }
}
