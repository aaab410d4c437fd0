/**
 * portResync cost. Prints figures; asserts nothing.
 *   npx tsx bench/port-resync.ts [resources=5000] [latencyMs=50]
 * Seeds moto with ~N resources of the seven kinds, then, for each way of writing (bulk API, 20 per
 * request; ingest webhook, 500 pre-formatted entities per request) against a fresh Port stand-in
 * answering after `latencyMs`: a first resync (fills Port) and a resync with nothing changed.
 * Reports wall time, Port requests per entity, writes, AWS calls per resource and peak RSS.
 * The stand-in runs in this process: its jq work for ingest counts in RSS, not in the wall time
 * (the resync does not wait for Port's asynchronous processing).
 */
import { startMoto } from '../local/aws/moto';
import { seedInventory } from '../local/aws/inventory';
import { startPortStub } from '../local/port';
import { scopeOf } from '../port/mappings/definitions';
import { PortApiClient } from '../functions/portResync/clients/port-api';
import { PortIngestWriter } from '../functions/portResync/clients/port-ingest';
import { LISTERS, awsClients } from '../functions/portResync/inventory';
import { bulkWriter, ingestWriter } from '../functions/portResync/invocation';
import { resync } from '../functions/portResync/resync';
import { memoryState } from '../functions/portResync/state';
import { deadlineIn } from '../shared/http/retry';

const [total = 5000, latencyMs = 50] = process.argv.slice(2).map(Number);
const REGION = 'eu-west-1';

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

function mix(n: number) {
  const share = (f: number) => Math.round(n * f);
  // ECS: each cluster also has one service (two entities per cluster).
  return { ec2: share(0.6), sqs: share(0.15), s3: share(0.15), lambda: share(0.04), rds: share(0.02), eks: share(0.01), ecs: share(0.015) };
}

async function main(): Promise<void> {
  const moto = await startMoto(REGION);
  Object.assign(process.env, moto.env);
  try {
    const counts = mix(total);
    let t = Date.now();
    await seedInventory(moto.aws, counts, 'bench');
    const resources = Object.values(counts).reduce((a, b) => a + b, 0) + counts.ecs;
    console.log(`seeded ${resources} resources into moto in ${((Date.now() - t) / 1000).toFixed(1)} s: ${JSON.stringify(counts)} (+${counts.ecs} ECS services)`);

    for (const mode of ['bulk-api', 'ingest'] as const) {
      const port = await startPortStub({ blueprints: true });
      port.apiFaults.latencyMs = latencyMs;
      port.faults.set({ latencyMs });
      const hook = port.createWebhook({ identifier: 'bench', mappings: (await import('../port/mappings/build')).buildWebhookMappings() });
      const api = new PortApiClient({ baseUrl: port.apiUrl, ...port.credentials, timeoutMs: 30_000 });
      const ingest = new PortIngestWriter({ webhookUrl: hook.url, timeoutMs: 30_000 });
      const writer = mode === 'bulk-api' ? bulkWriter(api) : ingestWriter(ingest);
      const clients = awsClients({ region: REGION });
      let awsCalls = 0;
      const counter = (next: (args: unknown) => Promise<unknown>) => (args: unknown) => {
        awsCalls += 1;
        return next(args);
      };
      for (const client of Object.values(clients)) (client.middlewareStack as unknown as { add(m: typeof counter, o: { step: string }): void }).add(counter, { step: 'initialize' });
      const scope = scopeOf('123456789012', REGION);
      const state = memoryState();
      for (const run of ['first', 'no-change'] as const) {
        api.requests = 0;
        ingest.requests = 0;
        awsCalls = 0;
        port.requests.clear();
        const received = port.received.length;
        t = Date.now();
        const r = await resync({ sources: Object.keys(LISTERS), scope, list: (s, d) => (LISTERS[s] as (typeof LISTERS)[string])({ clients, scope, deadline: d, concurrency: 8 }), port: api, writer, state, deadline: deadlineIn(900_000) });
        const wall = Date.now() - t;
        await port.idle();
        const entities = r.created + r.updated + r.unchanged;
        const portRequests = api.requests + ingest.requests;
        const writes = port.writes() + (port.received.length - received);
        console.log(
          `${mode.padEnd(8)} ${run.padEnd(9)} wall ${(wall / 1000).toFixed(1)} s · entities ${entities} (created ${r.created}, updated ${r.updated}, unchanged ${r.unchanged}, deleted ${r.deleted}, failed ${r.failed}) · ` +
            `Port requests ${portRequests} = ${(portRequests / entities).toFixed(4)}/entity (writes ${writes}) · AWS calls ${awsCalls} = ${(awsCalls / resources).toFixed(2)}/resource`,
        );
      }
      if (mode === 'ingest') {
        const failures = port.processed.flatMap((p) => [...p.mappingFailures, ...p.writeFailures]);
        console.log(`ingest: stand-in stored ${port.entities().length - 1} entities, ${failures.length} mapping/write failures`);
      }
      console.log(`contract violations: ${port.contractViolations.length}`);
      api.close();
      ingest.close();
      for (const client of Object.values(clients)) client.destroy();
      await port.stop();
    }
  } finally {
    await moto.stop();
    clearInterval(sampler);
    console.log(`peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (this process: resync + Port stand-in)`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
