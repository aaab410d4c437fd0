import { jiraSyncEnv as jiraEnvFor, startJiraStub, HALO_ISSUE_ID_FIELD, type JiraStub } from '../local/jira';
import { projectBlueprints, startPortStub, type PortStub } from '../local/port';
import { startHaloStub, demoIssues, type HaloStub } from '../local/halo';
import type { BlueprintEntities, HaloIssueRow, TicketRow } from './snapshot';

/**
 * The three outside services, as local stand-ins seeded with demo data: Halo with `issues` demo
 * issues, Jira with the security project and its Open → Closed / Won't Fix workflow, and an empty
 * Port organisation. Rows for the dashboard are read straight from them.
 */
export interface World {
  halo: HaloStub;
  jira: JiraStub;
  port: PortStub;
  /** jiraSync's environment for these stand-ins (the names users migrate with). */
  jiraSyncEnv: Record<string, string>;
  haloRows(): HaloIssueRow[];
  ticketRows(): TicketRow[];
  entityRows(): BlueprintEntities[];
  /** Earliest change among the demo issues: the checkpoint must start before it. */
  earliestChange(): Date;
  resolveIssue(id: string): string;
  reactivateIssue(id: string): string;
  stop(): Promise<void>;
}


export async function startWorld(opts: { issues: number; seed: number }): Promise<World> {
  const seeded = demoIssues(opts.issues, opts.seed, { now: new Date(), spanDays: 14 });
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const halo = await startHaloStub({ issues: seeded });
    started.push(halo);
    const jira = await startJiraStub();
    started.push(jira);
    const port = await startPortStub();
    started.push(port);

    const jiraSyncEnv: Record<string, string> = {
      HALO_API_HOSTNAME: halo.url,
      HALO_API_KEY: halo.apiKey,
      HALO_API_SECRET_KEY: halo.apiSecret,
      ...jiraEnvFor(jira),
    };

    const blueprintIds = projectBlueprints().map((bp) => bp.identifier);
    const ticketOf = (): Map<string, string> => {
      const map = new Map<string, string>();
      for (const t of jira.tickets()) {
        const id = t.fields[HALO_ISSUE_ID_FIELD];
        if (typeof id === 'string' && !map.has(id)) map.set(id, t.key);
      }
      return map;
    };

    return {
      halo,
      jira,
      port,
      jiraSyncEnv,
      haloRows: () => {
        const tickets = ticketOf();
        return halo.issues().map((i) => ({
          id: i.id,
          name: i.name,
          type: i.type,
          source: i.source,
          critical: i.critical,
          asset: i.asset_name,
          status: i.status,
          ticket: tickets.get(i.id),
        }));
      },
      ticketRows: () =>
        jira.tickets().map((t) => ({
          key: t.key,
          haloIssueId: String(t.fields[HALO_ISSUE_ID_FIELD] ?? ''),
          summary: String(t.fields.summary ?? ''),
          status: t.status,
          history: t.history.flatMap((h) =>
            h.items.filter((i) => i.field === 'status').map((i) => ({ at: h.created, from: i.fromString ?? '', to: i.toString ?? '' })),
          ),
        })),
      entityRows: () => {
        const byBlueprint = new Map<string, BlueprintEntities>();
        // Installed blueprints appear even while empty; the stand-in starts with none.
        for (const id of blueprintIds) if (port.blueprint(id)) byBlueprint.set(id, { blueprint: id, entities: [] });
        for (const e of port.entities()) {
          const row = byBlueprint.get(e.blueprint) ?? { blueprint: e.blueprint, entities: [] };
          row.entities.push({ identifier: e.identifier, title: e.title ?? '', properties: e.properties });
          byBlueprint.set(e.blueprint, row);
        }
        return [...byBlueprint.values()].sort((a, b) => a.blueprint.localeCompare(b.blueprint));
      },
      earliestChange: () => new Date(Math.min(...seeded.map((i) => Date.parse(i.created_at)))),
      resolveIssue: (id) => {
        halo.resolveIssue(id);
        return `Resolved ${id} in Halo; jiraSync closes its ticket on the next run.`;
      },
      reactivateIssue: (id) => {
        halo.reactivateIssue(id);
        return `Re-activated ${id} in Halo; jiraSync reopens or re-files its ticket on the next run.`;
      },
      stop: () => stopAll(started),
    };
  } catch (err) {
    await stopAll(started);
    throw err;
  }
}

async function stopAll(started: Array<{ stop(): Promise<void> }>): Promise<void> {
  await Promise.allSettled(started.reverse().map((s) => s.stop()));
}
