import crypto from 'node:crypto';
import { headerValue, startStubServer, type Faults, type RequestLog, type StubRequest, type StubResponse, type StubServer } from '../http-kit';
import { loadContract } from '../contract';
import type { MappedEntity } from '../../port/mappings/evaluate';
import type { Blueprint, Catalog, Entity } from './catalog';
import type { WebhookDefinition, Webhooks } from './webhooks';

/**
 * The API host (api.port.io) of the Port stand-in: auth, blueprints, webhooks, integrations and
 * entity reads, each request validated against Port's contract subset (local/contracts; 422 like Port
 * when it does not match, 404/405 for a call outside the subset). Answers carry Port's `x-ratelimit-*` headers.
 */
export interface Credentials {
  clientId: string;
  clientSecret: string;
}

export interface Integration {
  installationId: string;
  installationAppType?: string;
  title?: string | null;
  version?: string;
  config?: Record<string, unknown> | null;
  [key: string]: unknown;
}

export interface ApiState {
  credentials: Credentials;
  catalog: Catalog;
  webhooks: Webhooks;
  integrations: Map<string, Integration>;
  tokens: Set<string>;
  contractViolations: Array<{ method: string; path: string; errors: string[] }>;
}

const ROUTES: Array<[string, string, RegExp]> = [
  ['POST', '/v1/auth/access_token', /^\/v1\/auth\/access_token$/],
  ['GET', '/v1/blueprints', /^\/v1\/blueprints$/],
  ['POST', '/v1/blueprints', /^\/v1\/blueprints$/],
  ['*', '/v1/blueprints/{identifier}/entities', /^\/v1\/blueprints\/[^/]+\/entities$/],
  ['POST', '/v1/blueprints/{identifier}/entities/search', /^\/v1\/blueprints\/[^/]+\/entities\/search$/],
  ['POST', '/v1/blueprints/{identifier}/entities/bulk', /^\/v1\/blueprints\/[^/]+\/entities\/bulk$/],
  ['POST', '/v1/blueprints/{identifier}/bulk/entities/delete', /^\/v1\/blueprints\/[^/]+\/bulk\/entities\/delete$/],
  ['*', '/v1/blueprints/{identifier}', /^\/v1\/blueprints\/[^/]+$/],
  ['POST', '/v1/entities/search', /^\/v1\/entities\/search$/],
  ['*', '/v1/webhooks', /^\/v1\/webhooks$/],
  ['*', '/v1/webhooks/{identifier}', /^\/v1\/webhooks\/[^/]+$/],
  ['*', '/v1/integration', /^\/v1\/integration$/],
  ['*', '/v1/integration/{identifier}', /^\/v1\/integration\/[^/]+$/],
];

function routeOf(method: string, path: string): string {
  const hit = ROUTES.find(([m, , re]) => (m === '*' || m === method) && re.test(path));
  return hit ? `${method} ${hit[1]}` : 'unmatched';
}

/** Write operations (what "a second run sends no writes" counts). */
export function isWrite(route: string): boolean {
  return !route.startsWith('GET ') && route !== 'POST /v1/auth/access_token' && !route.endsWith('/entities/search') && route !== 'unmatched';
}

const err = (status: number, error: string, message: string): StubResponse => ({ status, body: { ok: false, error, message } });
const segment = (path: string, i: number): string => decodeURIComponent(path.split('/')[i] ?? '');

/** Port fills these in on every blueprint it returns. */
function withBlueprintDefaults(bp: Blueprint): Blueprint {
  return {
    ...bp,
    schema: { required: [], ...bp.schema },
    relations: bp.relations ?? {},
    mirrorProperties: bp.mirrorProperties ?? {},
    calculationProperties: bp.calculationProperties ?? {},
    aggregationProperties: bp.aggregationProperties ?? {},
  };
}

function handle(state: ApiState, req: StubRequest): StubResponse {
  const { method, path, route } = req;
  const contract = loadContract('port').validateRequest({ method, path, query: req.query, headers: req.headers, body: req.body });
  if (!contract.ok) {
    state.contractViolations.push({ method, path, errors: contract.errors });
    return contract.status === 400 ? err(422, 'invalid_request', contract.errors.join('; ')) : err(contract.status, 'not_found', contract.errors.join('; '));
  }
  if (req.bodyError) return err(400, 'invalid_json', req.bodyError);
  if (route === 'POST /v1/auth/access_token') {
    const b = req.body as Partial<Credentials> | undefined;
    if (b?.clientId !== state.credentials.clientId || b?.clientSecret !== state.credentials.clientSecret) {
      return { status: 401, body: { ok: false, error: 'unauthorized', message: 'Invalid client id or client secret' } };
    }
    const accessToken = crypto.randomBytes(24).toString('hex');
    state.tokens.add(accessToken);
    return { status: 200, body: { ok: true, accessToken, expiresIn: 10800, tokenType: 'Bearer' } };
  }
  const auth = headerValue(req.headers, 'authorization') ?? '';
  if (!/^Bearer /.test(auth) || !state.tokens.has(auth.slice(7))) return { status: 401, body: { ok: false, error: 'unauthorized', message: 'Unauthorized' } };
  const b = req.body as Record<string, unknown> | undefined;

  switch (route) {
    case 'GET /v1/blueprints':
      return { status: 200, body: { ok: true, blueprints: [...state.catalog.blueprints.values()].map(withBlueprintDefaults) } };
    case 'POST /v1/blueprints': {
      const bp = b as unknown as Blueprint;
      if (state.catalog.blueprints.has(bp.identifier)) return err(409, 'identifier_taken', `A blueprint with identifier "${bp.identifier}" already exists`);
      for (const [name, rel] of Object.entries(bp.relations ?? {})) {
        if (rel.target !== bp.identifier && !state.catalog.blueprints.has(rel.target)) return err(404, 'not_found', `relation "${name}" targets blueprint "${rel.target}", which does not exist`);
      }
      state.catalog.blueprints.set(bp.identifier, structuredClone(bp));
      return { status: 201, body: { ok: true, blueprint: withBlueprintDefaults(bp) } };
    }
    case 'GET /v1/blueprints/{identifier}':
    case 'PUT /v1/blueprints/{identifier}':
    case 'PATCH /v1/blueprints/{identifier}':
    case 'DELETE /v1/blueprints/{identifier}': {
      const id = segment(path, 3);
      const prev = state.catalog.blueprints.get(id);
      if (!prev) return err(404, 'not_found', `Blueprint with identifier "${id}" was not found`);
      if (method === 'GET') return { status: 200, body: { ok: true, blueprint: withBlueprintDefaults(prev) } };
      if (method === 'DELETE') {
        state.catalog.blueprints.delete(id);
        return { status: 200, body: { ok: true } };
      }
      const next = (method === 'PUT' ? { ...b, identifier: id } : { ...prev, ...b, identifier: id }) as Blueprint;
      state.catalog.blueprints.set(id, structuredClone(next));
      return { status: 200, body: { ok: true, blueprint: withBlueprintDefaults(next) } };
    }
    case 'GET /v1/blueprints/{identifier}/entities': {
      const id = segment(path, 3);
      if (!state.catalog.blueprints.has(id)) return err(404, 'not_found', `Blueprint with identifier "${id}" was not found`);
      return { status: 200, body: { ok: true, entities: state.catalog.list(id) } };
    }
    case 'POST /v1/entities/search': {
      const rules = ((b?.rules as Array<Record<string, unknown>> | undefined) ?? []).filter((r) => r.property === '$blueprint' && r.operator === '=');
      const bp = rules[0]?.value as string | undefined;
      return { status: 200, body: { ok: true, entities: state.catalog.list(bp) } };
    }
    case 'POST /v1/blueprints/{identifier}/entities/search': {
      const id = segment(path, 3);
      if (!state.catalog.blueprints.has(id)) return err(404, 'not_found', `Blueprint with identifier "${id}" was not found`);
      return { status: 200, body: { ok: true, ...searchPage(state, id, b ?? {}) } };
    }
    case 'POST /v1/blueprints/{identifier}/entities/bulk': {
      const id = segment(path, 3);
      if (!state.catalog.blueprints.has(id)) return err(404, 'not_found', `Blueprint with identifier "${id}" was not found`);
      return bulkUpsert(state, id, (b?.entities as MappedEntity[] | undefined) ?? [], req.query);
    }
    case 'POST /v1/blueprints/{identifier}/bulk/entities/delete': {
      const id = segment(path, 3);
      if (!state.catalog.blueprints.has(id)) return err(404, 'not_found', `Blueprint with identifier "${id}" was not found`);
      const ids = (b?.entities as string[] | undefined) ?? [];
      const present = ids.filter((e) => state.catalog.get(id, e));
      for (const e of present) state.catalog.apply({ blueprint: id, operation: 'delete', entity: { identifier: e, properties: {}, relations: {} } });
      return { status: 200, body: { ok: true, deletedEntities: present } };
    }
    case 'GET /v1/webhooks':
      return { status: 200, body: { ok: true, integrations: state.webhooks.all() } };
    case 'POST /v1/webhooks': {
      const def = b as unknown as WebhookDefinition;
      if (def.identifier && state.webhooks.get(def.identifier)) return err(409, 'identifier_taken', `A webhook with identifier "${def.identifier}" already exists`);
      return { status: 200, body: { ok: true, integration: state.webhooks.create(def) } };
    }
    case 'GET /v1/webhooks/{identifier}':
    case 'PATCH /v1/webhooks/{identifier}':
    case 'PUT /v1/webhooks/{identifier}':
    case 'DELETE /v1/webhooks/{identifier}': {
      const id = segment(path, 3);
      const hook = state.webhooks.get(id);
      if (!hook) return err(404, 'not_found', `Webhook with identifier "${id}" was not found`);
      if (method === 'GET') return { status: 200, body: { ok: true, integration: hook } };
      if (method === 'DELETE') {
        state.webhooks.delete(id);
        return { status: 200, body: { ok: true } };
      }
      return { status: 200, body: { ok: true, integration: state.webhooks.update(id, b as Partial<WebhookDefinition>, method === 'PUT') } };
    }
    case 'GET /v1/integration':
      return { status: 200, body: { ok: true, integrations: [...state.integrations.values()] } };
    case 'GET /v1/integration/{identifier}':
    case 'PATCH /v1/integration/{identifier}': {
      const id = segment(path, 3);
      const prev = state.integrations.get(id);
      if (!prev) return err(404, 'not_found', `Integration with identifier "${id}" was not found`);
      if (method === 'GET') return { status: 200, body: { ok: true, integration: prev } };
      const next = { ...prev, ...b, installationId: id, updatedAt: new Date().toISOString() };
      state.integrations.set(id, next);
      return { status: 200, body: { ok: true, integration: next } };
    }
    default:
      return err(404, 'not_found', `${method} ${path} is not served by the Port stand-in`);
  }
}

/**
 * Entity search on one blueprint: the rules the resync sends (`property = value`, `$identifier`,
 * combinator `and`); `limit` (default 200) and `from` = the previous page's `next`.
 */
function searchPage(state: ApiState, blueprint: string, body: Record<string, unknown>): { entities: Entity[]; next?: string } {
  const query = body.query as { combinator?: string; rules?: Array<{ property?: string; operator?: string; value?: unknown }> } | undefined;
  const rules = query?.rules ?? [];
  const value = (e: Entity, prop: string): unknown => (prop === '$identifier' ? e.identifier : prop === '$title' ? e.title : prop === '$blueprint' ? e.blueprint : e.properties[prop]);
  const matches = (e: Entity): boolean => {
    const results = rules.map((r) => (r.operator === '=' ? value(e, r.property ?? '') === r.value : r.operator === '!=' ? value(e, r.property ?? '') !== r.value : false));
    return query?.combinator === 'or' ? results.some(Boolean) : results.every(Boolean);
  };
  const all = state.catalog.list(blueprint).filter(matches).sort((a, b) => a.identifier.localeCompare(b.identifier));
  const limit = typeof body.limit === 'number' ? body.limit : 200;
  const start = typeof body.from === 'string' ? Number(Buffer.from(body.from, 'base64').toString('utf8')) : 0;
  const page = all.slice(start, start + limit);
  return start + limit < all.length ? { entities: page, next: Buffer.from(String(start + limit)).toString('base64') } : { entities: page };
}

/**
 * `POST …/entities/bulk`: each entity checked against the blueprint; with `upsert=true&merge=true`
 * the given properties/relations are merged into an existing entity (Port's PATCH semantics),
 * with upsert alone the entity is replaced, without upsert an existing one is a 409. 200 when all
 * succeeded, 207 with `errors` when some failed, 422 when none did.
 */
function bulkUpsert(state: ApiState, blueprint: string, entities: MappedEntity[], query: Record<string, string | string[]>): StubResponse {
  const flag = (name: string): boolean => query[name] === 'true';
  const ok: Array<{ identifier: string; index: number; created: boolean }> = [];
  const errors: Array<{ identifier: string; index: number; statusCode: number; error: string; message: string }> = [];
  entities.forEach((e, index) => {
    const prev = state.catalog.get(blueprint, e.identifier);
    if (prev && !flag('upsert')) {
      errors.push({ identifier: e.identifier, index, statusCode: 409, error: 'identifier_taken', message: `Entity "${e.identifier}" already exists` });
      return;
    }
    if (prev && !flag('merge')) state.catalog.apply({ blueprint, operation: 'delete', entity: { identifier: e.identifier, properties: {}, relations: {} } });
    const failure = state.catalog.apply({ blueprint, operation: 'create', entity: { identifier: e.identifier, title: e.title, properties: e.properties ?? {}, relations: e.relations ?? {} } });
    if (failure) errors.push({ identifier: e.identifier, index, statusCode: 422, error: 'invalid_entity', message: failure.error });
    else ok.push({ identifier: e.identifier, index, created: !prev });
  });
  if (errors.length === 0) return { status: 200, body: { ok: true, entities: ok, errors: [] } };
  if (ok.length === 0) return err(422, 'invalid_entities', errors.map((e) => `${e.identifier}: ${e.message}`).join('; '));
  return { status: 207, body: { ok: true, entities: ok, errors } };
}

/** Port's rate-limit headers on every answer (limit per 5-minute period, reset as epoch seconds). */
function withRateLimitHeaders(res: StubResponse, remaining: number): StubResponse {
  const reset = String(Math.ceil(Date.now() / 1000) + 300);
  return { ...res, headers: { 'x-ratelimit-period': '300', 'x-ratelimit-limit': '15000', 'x-ratelimit-remaining': String(Math.max(0, remaining)), 'x-ratelimit-reset': reset, ...res.headers } };
}

export function startApiServer(state: ApiState, shared: { log: RequestLog; faults: Faults }): Promise<StubServer> {
  let served = 0;
  return startStubServer({
    name: 'port-api',
    routeOf,
    log: shared.log,
    faults: shared.faults,
    handle: (req) => withRateLimitHeaders(handle(state, req), 15000 - ++served),
  });
}
