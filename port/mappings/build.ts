import fs from 'node:fs';
import path from 'node:path';
import { KEY_PROPERTIES } from './definitions';
import { operationOf, type WebhookMapping } from './evaluate';
import { PARTITION_JQ } from './partition';

/**
 * Builds the webhook's `mappings` from port/sources.json (which events each AWS source forwards,
 * the same file that generates the EventBridge rule) plus the per-source jq in mappings/sources/.
 * Items are the wire format's `.body.items`: raw EventBridge events or pre-formatted entities.
 */
export const PORT_DIR = path.resolve(__dirname, '..');
export const ITEMS = '.body.items';
const CLOUDTRAIL = 'AWS API Call via CloudTrail';

export type EventName = string | { prefix: string };
export interface SourceDefinition {
  detailTypes?: string[];
  cloudTrail?: { eventSource: string; eventNames: EventName[] };
}
export interface MappingTemplate extends Omit<WebhookMapping, 'filter' | 'itemsToParse'> {
  detailTypes?: string[];
  eventNames?: EventName[];
  /** Extra jq condition on the item. */
  when?: string;
}
export interface BlueprintFile {
  identifier: string;
  schema: { properties: Record<string, unknown> };
  relations?: Record<string, unknown>;
  [key: string]: unknown;
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

export function loadSources(): Record<string, SourceDefinition> {
  const all = readJson<Record<string, SourceDefinition | string>>(path.join(PORT_DIR, 'sources.json'));
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, SourceDefinition] => !e[0].startsWith('$')));
}

export function loadTemplates(source: string): MappingTemplate[] {
  return readJson<MappingTemplate[]>(path.join(PORT_DIR, 'mappings', 'sources', `${source}.json`));
}

/** Blueprints in dependency order (relation targets first). */
export function loadBlueprints(): BlueprintFile[] {
  const dir = path.join(PORT_DIR, 'blueprints');
  const all = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => readJson<BlueprintFile>(path.join(dir, f)));
  const byId = new Map(all.map((b) => [b.identifier, b]));
  const ordered: BlueprintFile[] = [];
  const visit = (b: BlueprintFile, trail: string[]): void => {
    if (ordered.includes(b)) return;
    if (trail.includes(b.identifier)) throw new Error(`blueprint relation cycle: ${[...trail, b.identifier].join(' → ')}`);
    for (const rel of Object.values(b.relations ?? {}) as Array<{ target: string }>) {
      const target = byId.get(rel.target);
      if (target && target !== b) visit(target, [...trail, b.identifier]);
    }
    ordered.push(b);
  };
  all.forEach((b) => { visit(b, []); });
  return ordered;
}

const q = (s: string): string => JSON.stringify(s);
const nameKey = (n: EventName): string => (typeof n === 'string' ? n : `${n.prefix}*`);

function eventNameFilter(names: readonly EventName[]): string {
  const tests = names.map((n) => (typeof n === 'string' ? `$n == ${q(n)}` : `($n | startswith(${q(n.prefix)}))`));
  return `(.item.detail.eventName as $n | ${tests.join(' or ')})`;
}

function cloudTrailFilter(def: NonNullable<SourceDefinition['cloudTrail']>, names: readonly EventName[]): string {
  // Failed calls (errorCode set) changed nothing: never map them.
  return `.item["detail-type"] == ${q(CLOUDTRAIL)} and .item.detail.eventSource == ${q(def.eventSource)} and .item.detail.errorCode == null and ${eventNameFilter(names)}`;
}

/** Everything a source forwards (used for the awsAccount upsert). */
export function sourceFilter(source: string, def: SourceDefinition): string {
  const parts: string[] = [];
  if (def.detailTypes?.length) parts.push(`(.item["detail-type"] | IN(${def.detailTypes.map(q).join(', ')}))`);
  if (def.cloudTrail) parts.push(`(${cloudTrailFilter(def.cloudTrail, def.cloudTrail.eventNames)})`);
  return `(.item.source == ${q(source)} and (${parts.join(' or ') || 'false'}))`;
}

function templateFilter(source: string, def: SourceDefinition, t: MappingTemplate): string {
  const where = `${source} → ${t.blueprint}`;
  const parts = [`.item.source == ${q(source)}`];
  if (t.detailTypes) {
    const unknown = t.detailTypes.filter((d) => !def.detailTypes?.includes(d));
    if (unknown.length) throw new Error(`${where}: detail-types ${unknown.join(', ')} are not forwarded by sources.json`);
    parts.push(`(.item["detail-type"] | IN(${t.detailTypes.map(q).join(', ')}))`);
  }
  if (t.eventNames) {
    if (!def.cloudTrail) throw new Error(`${where}: sources.json has no cloudTrail entry`);
    const known = new Set(def.cloudTrail.eventNames.map(nameKey));
    const unknown = t.eventNames.filter((n) => !known.has(nameKey(n)));
    if (unknown.length) throw new Error(`${where}: event names ${unknown.map(nameKey).join(', ')} are not forwarded by sources.json`);
    parts.push(cloudTrailFilter(def.cloudTrail, t.eventNames));
  }
  if (!t.detailTypes && !t.eventNames) throw new Error(`${where}: a template needs detailTypes or eventNames`);
  if (t.when) parts.push(`(${t.when})`);
  return parts.join(' and ');
}

/**
 * Pre-formatted entities, per blueprint: one create mapping for identifier/title, one mapping per
 * declared property and relation that writes it only when the item has the key (an absent key is
 * never written as null), and one delete. Operations use the object form: Port's OpenAPI document
 * rejects the string forms ("delete") in webhook mappings.
 */
export function entityMappings(bp: BlueprintFile): WebhookMapping[] {
  const isEntity = `(.item.blueprint == ${q(bp.identifier)} and (.item.identifier | type) == "string")`;
  const upsert = `${isEntity} and .item.operation != "delete"`;
  const base = { identifier: '.item.identifier', title: '.item.title // .item.identifier' };
  const field = (kind: 'properties' | 'relations', key: string): WebhookMapping => ({
    blueprint: bp.identifier,
    itemsToParse: ITEMS,
    filter: `${upsert} and ((.item.${kind} // {}) | has(${q(key)}))`,
    entity: { ...base, properties: kind === 'properties' ? { [key]: `.item.properties[${q(key)}]` } : {}, relations: kind === 'relations' ? { [key]: `.item.relations[${q(key)}]` } : {} },
  });
  return [
    { blueprint: bp.identifier, itemsToParse: ITEMS, filter: upsert, entity: { ...base, icon: '.item.icon', team: '.item.team', properties: {}, relations: {} } },
    ...Object.keys(bp.schema.properties).map((k) => field('properties', k)),
    ...Object.keys(bp.relations ?? {}).map((k) => field('relations', k)),
    { blueprint: bp.identifier, operation: { type: 'delete', deleteDependents: false }, itemsToParse: ITEMS, filter: `${isEntity} and .item.operation == "delete"`, entity: { identifier: '.item.identifier' } },
  ];
}

/** Templates write `"arn:" + $partition + ":..."`; Port evaluates each expression alone, so each one binds it. */
function withPartition(expr: string): string {
  return expr.includes('$partition') ? `(${PARTITION_JQ} as $partition | ${expr})` : expr;
}

function bindPartition(m: WebhookMapping): WebhookMapping {
  const map = (o?: Record<string, string>) => o && Object.fromEntries(Object.entries(o).map(([k, v]) => [k, withPartition(v)]));
  const e = m.entity;
  return {
    ...m,
    entity: {
      ...e,
      identifier: withPartition(e.identifier),
      ...(e.title !== undefined ? { title: withPartition(e.title) } : {}),
      ...(e.properties ? { properties: map(e.properties) } : {}),
      ...(e.relations ? { relations: map(e.relations) } : {}),
    },
  };
}

/**
 * Events never erase what they do not carry: Port writes a property whose jq yields null as null.
 * So a create mapping keeps identifier, title, relations and the KEY_PROPERTIES, and every other
 * property becomes its own mapping, selected only when its value is not null.
 */
export function splitByPresence(m: WebhookMapping): WebhookMapping[] {
  if (operationOf(m).operation === 'delete') return [m];
  const props = Object.entries(m.entity.properties ?? {});
  const always = Object.fromEntries(props.filter(([k]) => KEY_PROPERTIES.includes(k)));
  const { identifier, title } = m.entity;
  return [
    { ...m, entity: { ...m.entity, properties: always } },
    ...props
      .filter(([k]) => !KEY_PROPERTIES.includes(k))
      .map(([k, expr]): WebhookMapping => ({
        blueprint: m.blueprint,
        itemsToParse: m.itemsToParse,
        filter: `(${m.filter ?? 'true'}) and ((${expr}) != null)`,
        entity: { identifier, ...(title !== undefined ? { title } : {}), properties: { [k]: expr }, relations: {} },
      })),
  ];
}

/** The webhook mappings for the chosen sources (default: all in sources.json). */
export function buildWebhookMappings(sources?: readonly string[]): WebhookMapping[] {
  const defs = loadSources();
  const chosen = sources ?? Object.keys(defs);
  const unknown = chosen.filter((s) => !defs[s]);
  if (unknown.length) throw new Error(`unknown event source(s) ${unknown.join(', ')}; known: ${Object.keys(defs).join(', ')}`);
  const out: WebhookMapping[] = [
    {
      blueprint: 'awsAccount',
      itemsToParse: ITEMS,
      filter: chosen.map((s) => sourceFilter(s, defs[s] as SourceDefinition)).join(' or '),
      entity: { identifier: '.item.account', title: '.item.account', properties: {}, relations: {} },
    },
  ];
  for (const source of chosen) {
    const def = defs[source] as SourceDefinition;
    for (const t of loadTemplates(source)) {
      const { detailTypes: _d, eventNames: _e, when: _w, ...mapping } = t;
      out.push(...splitByPresence(bindPartition({ ...mapping, itemsToParse: ITEMS, filter: templateFilter(source, def, t) })));
    }
  }
  for (const bp of loadBlueprints()) out.push(...entityMappings(bp));
  return out;
}
