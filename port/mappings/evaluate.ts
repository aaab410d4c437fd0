import { jq as defaultEngine, type JqEngine } from './jq';

/**
 * Port's webhook mapping semantics, evaluated with real jq: for each mapping, `itemsToParse`
 * (optional) splits the payload into items exposed as `.item`; `filter` selects; `entity` fields
 * are jq expressions over `{body, headers, queryParams, item}`. Used by the Port stand-in, the
 * preview CLI and the mapping tests, so all three agree by construction.
 */
type MappingOperation = 'create' | 'delete' | { type: 'create' } | { type: 'delete'; deleteDependents?: boolean };

export interface WebhookMapping {
  blueprint: string;
  operation?: MappingOperation;
  filter?: string;
  itemsToParse?: string;
  entity: {
    identifier: string;
    title?: string;
    icon?: string;
    team?: string;
    properties?: Record<string, string>;
    relations?: Record<string, string>;
  };
}

export interface WebhookRequest {
  body: unknown;
  headers?: Record<string, string>;
  queryParams?: Record<string, string>;
}

export interface MappedEntity {
  identifier: string;
  title?: string;
  icon?: string;
  team?: unknown;
  properties: Record<string, unknown>;
  relations: Record<string, unknown>;
}

export interface EntityChange {
  /** Index of the mapping that produced it, and of the item (null without itemsToParse). */
  mapping: number;
  item: number | null;
  blueprint: string;
  operation: 'create' | 'delete';
  deleteDependents: boolean;
  entity: MappedEntity;
}

export interface MappingFailure {
  mapping: number;
  item: number | null;
  error: string;
}

export interface Evaluation {
  changes: EntityChange[];
  failures: MappingFailure[];
}

/** Upper bound of item JSON per jq run: keeps each run's argv (on the wasm stack) and output small. */
const ITEM_BYTES_PER_RUN = 8 * 1024;

export function operationOf(m: WebhookMapping): { operation: 'create' | 'delete'; deleteDependents: boolean } {
  const op = m.operation;
  if (op === 'delete') return { operation: 'delete', deleteDependents: true };
  if (typeof op === 'object' && op.type === 'delete') return { operation: 'delete', deleteDependents: op.deleteDependents ?? true };
  return { operation: 'create', deleteDependents: false };
}

/** First output of a user expression, or null when it yields nothing. */
const one = (expr: string): string => `([(${expr})] | .[0])`;

function entityProgram(m: WebhookMapping): string {
  const fields = (o: Record<string, string> | undefined): string =>
    `{${Object.entries(o ?? {}).map(([k, e]) => `${JSON.stringify(k)}: ${one(e)}`).join(', ')}}`;
  const parts = [`identifier: ${one(m.entity.identifier)}`];
  if (operationOf(m).operation === 'create') {
    for (const key of ['title', 'icon', 'team'] as const) if (m.entity[key] !== undefined) parts.push(`${key}: ${one(m.entity[key] as string)}`);
    parts.push(`properties: ${fields(m.entity.properties)}`, `relations: ${fields(m.entity.relations)}`);
  }
  return `{${parts.join(', ')}}`;
}

/** jq for one mapping over the context `.`: emits {m, k, r} when selected, {m, k, error} on failure. */
function mappingProgram(m: WebhookMapping, index: number, k: string): string {
  const selected = `(${one(m.filter ?? 'true')} // false)`;
  return `(try (if ${selected} then {m: ${index}, k: ${k}, r: ${entityProgram(m)}} else empty end) catch {m: ${index}, k: ${k}, error: (. | tostring)})`;
}

/** Where each mapping's items are: a path in the context (the usual `.body.items`), or an error. */
async function locateItems(mappings: readonly WebhookMapping[], c: unknown, engine: JqEngine): Promise<Array<ItemsLocation | undefined>> {
  const probes = mappings.map((m) =>
    m.itemsToParse === undefined
      ? 'null'
      : `(try ([path(${m.itemsToParse})] | if length == 1 then {path: .[0]} else {error: "itemsToParse must be a path to one array"} end) catch {error: (. | tostring)})`,
  );
  const [located] = (await engine.run(`$c | [${probes.join(', ')}]`, { c })) as Array<Array<ItemsLocation | null>>;
  return (located ?? []).map((l) => l ?? undefined);
}

interface ItemsLocation {
  path?: Array<string | number>;
  error?: string;
}

function getPath(value: unknown, path: ReadonlyArray<string | number>): unknown {
  return path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}

/** Port's default `itemsToParseTopLevelTransform`: the parsed array is removed from the payload each item sees. */
function withoutPath(value: unknown, path: ReadonlyArray<string | number>): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return value;
  const [head, ...rest] = path as [string | number, ...Array<string | number>];
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  if (rest.length === 0) delete (copy as Record<string, unknown>)[head];
  else (copy as Record<string, unknown>)[head] = withoutPath((value as Record<string, unknown>)[head], rest);
  return copy;
}

/** Splits items into runs of at most ITEM_BYTES_PER_RUN bytes of JSON (at least one item each). */
function chunks(items: readonly unknown[]): Array<{ from: number; items: unknown[] }> {
  const out: Array<{ from: number; items: unknown[] }> = [];
  let current: { from: number; items: unknown[] } = { from: 0, items: [] };
  let bytes = 0;
  items.forEach((item, i) => {
    const size = JSON.stringify(item ?? null).length;
    if (current.items.length > 0 && bytes + size > ITEM_BYTES_PER_RUN) {
      out.push(current);
      current = { from: i, items: [] };
      bytes = 0;
    }
    current.items.push(item);
    bytes += size;
  });
  if (current.items.length > 0) out.push(current);
  return out;
}

/** jq refuses a function that compiles above 64 KiB: mapping programs go in runs of bounded source size. */
const PROGRAM_CHARS_PER_RUN = 12 * 1024;

function programRuns(programs: readonly string[]): string[][] {
  const runs: string[][] = [];
  let size = Number.POSITIVE_INFINITY;
  for (const p of programs) {
    if (size + p.length > PROGRAM_CHARS_PER_RUN) {
      runs.push([]);
      size = 0;
    }
    (runs[runs.length - 1] as string[]).push(p);
    size += p.length;
  }
  return runs;
}

/** Entity fields that must be strings; search-query objects are not supported here. */
function toEntity(raw: Record<string, unknown>): MappedEntity | string {
  const id = raw.identifier;
  if (typeof id !== 'string' || id === '') return `entity identifier evaluated to ${JSON.stringify(id)}, expected a non-empty string`;
  const entity: MappedEntity = { identifier: id, properties: {}, relations: {} };
  if (typeof raw.title === 'string') entity.title = raw.title;
  if (typeof raw.icon === 'string') entity.icon = raw.icon;
  if (raw.team !== undefined && raw.team !== null) entity.team = raw.team;
  entity.properties = (raw.properties as Record<string, unknown> | undefined) ?? {};
  entity.relations = (raw.relations as Record<string, unknown> | undefined) ?? {};
  return entity;
}

interface RawResult {
  m: number;
  k: number | null;
  r?: Record<string, unknown>;
  error?: string;
}

/** Evaluates every mapping against one webhook request; changes come in item order, then mapping order. */
export async function evaluateWebhook(
  mappings: readonly WebhookMapping[],
  request: WebhookRequest,
  engine: JqEngine = defaultEngine,
): Promise<Evaluation> {
  const c = { body: request.body, headers: request.headers ?? {}, queryParams: request.queryParams ?? {} };
  const locations = await locateItems(mappings, c, engine);
  const results: RawResult[] = [];
  const itemless = mappings.map((m, i) => (m.itemsToParse === undefined ? mappingProgram(m, i, 'null') : '')).filter(Boolean);
  if (itemless.length > 0) results.push(...((await engine.run(`$c | ${itemless.join(', ')}`, { c })) as RawResult[]));
  // Mappings sharing one items path are evaluated together, a few items per jq run.
  const groups = new Map<string, number[]>();
  locations.forEach((loc, i) => {
    if (!loc) return;
    if (loc.error !== undefined || !loc.path) {
      results.push({ m: i, k: null, error: loc.error ?? 'itemsToParse failed' });
      return;
    }
    const key = JSON.stringify(loc.path);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  for (const [key, members] of groups) {
    const path = JSON.parse(key) as Array<string | number>;
    const items = getPath(c, path);
    if (!Array.isArray(items)) {
      for (const i of members) results.push({ m: i, k: null, error: `itemsToParse evaluated to ${items === null ? 'null' : typeof items}, expected an array` });
      continue;
    }
    const tc = withoutPath(c, path);
    const programs = programRuns(members.map((i) => mappingProgram(mappings[i] as WebhookMapping, i, '$k'))).map(
      (run) => `range(0; $items | length) as $j | ($from + $j) as $k | ($tc + {item: $items[$j]}) | (${run.join(', ')})`,
    );
    for (const chunk of chunks(items)) {
      for (const program of programs) results.push(...((await engine.run(program, { tc, items: chunk.items, from: chunk.from })) as RawResult[]));
    }
  }
  results.sort((a, b) => (a.k ?? -1) - (b.k ?? -1) || a.m - b.m);
  const out: Evaluation = { changes: [], failures: [] };
  for (const res of results) {
    const mapping = mappings[res.m];
    if (!mapping) continue;
    if (res.error !== undefined || !res.r) {
      out.failures.push({ mapping: res.m, item: res.k, error: res.error ?? 'no result' });
      continue;
    }
    const entity = toEntity(res.r);
    if (typeof entity === 'string') out.failures.push({ mapping: res.m, item: res.k, error: entity });
    else out.changes.push({ mapping: res.m, item: res.k, blueprint: mapping.blueprint, ...operationOf(mapping), entity });
  }
  return out;
}

/** Evaluates a jq path such as `.body.id` against the request (for `security.requestIdentifierPath`). */
export async function evaluatePath(path: string, request: WebhookRequest, engine: JqEngine = defaultEngine): Promise<unknown> {
  const c = { body: request.body, headers: request.headers ?? {}, queryParams: request.queryParams ?? {} };
  const [value] = await engine.run(`$c | try ${one(path)} catch null`, { c });
  return value ?? null;
}
