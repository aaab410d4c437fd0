import { HALO_ISSUE_ID_FIELD, type JiraStub } from '../jira';
import { projectBlueprints, type PortStub } from '../port';
import type { HaloStub } from '../halo';

/** The world as table rows, read straight from the stand-ins (the sandbox dashboard shows them). */
export interface HaloIssueRow {
  id: string;
  name: string;
  type: string;
  source: string;
  critical: boolean;
  asset: string;
  status: string;
  /** Key of the Jira ticket carrying this issue's id, when there is one. */
  ticket?: string;
}

export interface TicketRow {
  key: string;
  haloIssueId: string;
  summary: string;
  status: string;
  history: Array<{ at: string; from: string; to: string }>;
}

interface EntityRow {
  identifier: string;
  title: string;
  /** The AWS account the entity belongs to (its `account` relation), when it has one. */
  account?: string;
  properties: Record<string, unknown>;
}

export interface BlueprintEntities {
  blueprint: string;
  entities: EntityRow[];
}

/** First ticket per Halo issue id. */
function ticketKeys(jira: JiraStub): Map<string, string> {
  const map = new Map<string, string>();
  for (const t of jira.tickets()) {
    const id = t.fields[HALO_ISSUE_ID_FIELD];
    if (typeof id === 'string' && !map.has(id)) map.set(id, t.key);
  }
  return map;
}

export function haloRows(halo: HaloStub, jira?: JiraStub): HaloIssueRow[] {
  const tickets = jira ? ticketKeys(jira) : new Map<string, string>();
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
}

export function ticketRows(jira: JiraStub): TicketRow[] {
  return jira.tickets().map((t) => ({
    key: t.key,
    haloIssueId: String(t.fields[HALO_ISSUE_ID_FIELD] ?? ''),
    summary: String(t.fields.summary ?? ''),
    status: t.status,
    history: t.history.flatMap((h) =>
      h.items.filter((i) => i.field === 'status').map((i) => ({ at: h.created, from: i.fromString ?? '', to: i.toString ?? '' })),
    ),
  }));
}

let blueprintIds: string[] | undefined;

/** Entities by blueprint; the project's blueprints appear once installed, even while empty. */
export function entityRows(port: PortStub): BlueprintEntities[] {
  const byBlueprint = new Map<string, BlueprintEntities>();
  blueprintIds ??= projectBlueprints().map((bp) => bp.identifier);
  for (const identifier of blueprintIds) if (port.blueprint(identifier)) byBlueprint.set(identifier, { blueprint: identifier, entities: [] });
  for (const e of port.entities()) {
    const row = byBlueprint.get(e.blueprint) ?? { blueprint: e.blueprint, entities: [] };
    const account = e.relations?.account;
    row.entities.push({ identifier: e.identifier, title: e.title ?? '', ...(typeof account === 'string' ? { account } : {}), properties: e.properties });
    byBlueprint.set(e.blueprint, row);
  }
  return [...byBlueprint.values()].sort((a, b) => a.blueprint.localeCompare(b.blueprint));
}
