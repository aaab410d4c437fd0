import fs from 'node:fs';
import path from 'node:path';
import { Faults, RequestLog } from '../http-kit';
import { isWrite, startApiServer, type ApiState, type Credentials, type Integration } from './api';
import { Catalog, type Blueprint, type Entity } from './catalog';
import { IngestFaults, startIngestServer, type ReceivedRequest } from './ingest';
import { Processor, type ProcessedRequest } from './processing';
import { verifySignature } from './signature';
import { Webhooks, type Webhook, type WebhookDefinition } from './webhooks';

/**
 * Local Port: an API listener (api.port.io) and an ingest listener (ingest.port.io) on 127.0.0.1.
 * Ingest answers like Port and then, asynchronously, applies the webhook's jq mappings to write
 * entities in memory; `idle()` waits for that. See docs/port.md for the fault knobs.
 */
export interface PortStubOptions {
  credentials?: Credentials;
  /** Blueprints present from the start; `true` loads the project's port/blueprints. */
  blueprints?: Blueprint[] | true;
  /** Seed of the ingest fault PRNG (default 1). */
  seed?: number;
}

export interface PortStub {
  apiUrl: string;
  ingestBaseUrl: string;
  credentials: Credentials;
  createWebhook(def: Partial<WebhookDefinition>): Pick<Webhook, 'identifier' | 'webhookKey' | 'url'>;
  webhook(identifier: string): Webhook | undefined;
  /** Every ingest request, faulted ones included, in arrival order. */
  received: ReceivedRequest[];
  /** What processing did with each accepted request. */
  processed: ProcessedRequest[];
  entities(blueprint?: string): Entity[];
  entity(blueprint: string, identifier: string): Entity | undefined;
  blueprint(identifier: string): Blueprint | undefined;
  addBlueprints(bps: Blueprint[]): void;
  integrations: Map<string, Integration>;
  /** Ingest faults (seeded random + count-based `faults.next`). */
  faults: IngestFaults;
  /** API faults (count-based, e.g. `apiFaults.failNext(2, 429, {headers: {...}})`). */
  apiFaults: Faults;
  /** API request log; `writes()` counts non-read API calls. */
  requests: RequestLog;
  writes(): number;
  contractViolations: ApiState['contractViolations'];
  idle(): Promise<void>;
  reset(): void;
  stop(): Promise<void>;
}

const PROJECT_BLUEPRINTS_DIR = path.resolve(__dirname, '..', '..', 'port', 'blueprints');

export function projectBlueprints(): Blueprint[] {
  return fs
    .readdirSync(PROJECT_BLUEPRINTS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(PROJECT_BLUEPRINTS_DIR, f), 'utf8')) as Blueprint);
}

export async function startPortStub(opts: PortStubOptions = {}): Promise<PortStub> {
  const credentials = opts.credentials ?? { clientId: 'stub-client-id', clientSecret: 'stub-client-secret' };
  const catalog = new Catalog();
  const addBlueprints = (bps: Blueprint[]): void => bps.forEach((bp) => { catalog.blueprints.set(bp.identifier, structuredClone(bp)); });
  if (opts.blueprints) addBlueprints(opts.blueprints === true ? projectBlueprints() : opts.blueprints);
  let ingestBaseUrl = '';
  const webhooks = new Webhooks(() => ingestBaseUrl);
  const processor = new Processor(catalog);
  const received: ReceivedRequest[] = [];
  const faults = new IngestFaults(opts.seed ?? 1);
  const state: ApiState = { credentials, catalog, webhooks, integrations: new Map(), tokens: new Set(), contractViolations: [] };
  const requests = new RequestLog();
  const apiFaults = new Faults();

  const ingest = await startIngestServer({
    faults,
    received,
    accept(key, body, headers, _bytes, raw) {
      const hook = webhooks.byKey(key);
      if (!hook) return { status: 404, error: 'not_found', message: 'Webhook not found' };
      const signed = verifySignature(hook.security, raw, headers);
      if (!signed.ok) return { status: 401, error: 'invalid_signature', message: signed.message };
      if (body === undefined) return { status: 400, error: 'invalid_json', message: 'The body must be JSON' };
      processor.enqueue(structuredClone(hook), body, {});
      return { status: 202 };
    },
  });
  ingestBaseUrl = ingest.url;
  const api = await startApiServer(state, { log: requests, faults: apiFaults });

  return {
    apiUrl: api.url,
    ingestBaseUrl,
    credentials,
    createWebhook: (def) => {
      const hook = webhooks.create({ title: def.title ?? def.identifier ?? 'Stand-in webhook', enabled: def.enabled ?? true, ...def });
      return { identifier: hook.identifier, webhookKey: hook.webhookKey, url: hook.url };
    },
    webhook: (id) => webhooks.get(id),
    received,
    processed: processor.processed,
    entities: (bp) => catalog.list(bp),
    entity: (bp, id) => catalog.get(bp, id),
    blueprint: (id) => catalog.blueprints.get(id),
    addBlueprints,
    integrations: state.integrations,
    faults,
    apiFaults,
    requests,
    writes: () => requests.entries.filter((e) => isWrite(e.route)).length,
    contractViolations: state.contractViolations,
    idle: () => processor.idle(),
    reset() {
      received.length = 0;
      processor.reset();
      catalog.clearEntities();
      faults.clear();
      apiFaults.clear();
      requests.clear();
      state.contractViolations.length = 0;
    },
    stop: async () => {
      await Promise.all([ingest.stop(), api.stop()]);
      await processor.idle();
    },
  };
}
