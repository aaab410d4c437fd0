import fs from 'node:fs';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { AwsTarget } from '../local/aws/target';
import { evaluateWebhook, type WebhookMapping } from '../port/mappings/evaluate';
import { requestBody, requestId } from '../functions/portForwarder/wire';

/**
 * Sample AWS events from `port/samples/<source>/*.json`, put on moto's default EventBridge bus,
 * where the stack's rule routes the matching ones to the events queue.
 */
export interface SampleEvent {
  /** `<source>/<file name without .json>`, e.g. `aws.ec2/instance-running`. */
  name: string;
  event: AwsEvent;
}

interface AwsEvent {
  source: string;
  'detail-type': string;
  detail: unknown;
  resources?: string[];
  time?: string;
  [k: string]: unknown;
}

interface EntityRef {
  blueprint: string;
  identifier: string;
}

export interface SampleEffect {
  name: string;
  creates: EntityRef[];
  deletes: EntityRef[];
}

/**
 * What each sample does to Port's catalog under the installed webhook mappings, evaluated with the
 * same jq engine the Port stand-in uses, on the body the forwarder sends (wire format) for the
 * event as the bus delivers it.
 */
export async function sampleEffects(
  samples: readonly SampleEvent[],
  mappings: readonly WebhookMapping[],
  bus: { region: string; account: string },
): Promise<SampleEffect[]> {
  const out: SampleEffect[] = [];
  for (const s of samples) {
    // EventBridge stamps the envelope with the bus's region and account, whatever the sample says.
    const delivered = { ...s.event, region: bus.region, account: bus.account };
    const body = JSON.parse(requestBody(requestId([s.name]), [JSON.stringify(delivered)])) as unknown;
    const { changes } = await evaluateWebhook(mappings, { body });
    const refs = (op: 'create' | 'delete'): EntityRef[] =>
      changes.filter((c) => c.operation === op).map((c) => ({ blueprint: c.blueprint, identifier: c.entity.identifier }));
    out.push({ name: s.name, creates: refs('create'), deletes: refs('delete') });
  }
  return out;
}

export function loadSamples(samplesDir: string): SampleEvent[] {
  if (!fs.existsSync(samplesDir)) return [];
  const out: SampleEvent[] = [];
  for (const source of fs.readdirSync(samplesDir).sort()) {
    const dir = path.join(samplesDir, source);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const event = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as AwsEvent;
      if (typeof event.source === 'string' && typeof event['detail-type'] === 'string') {
        out.push({ name: `${source}/${file.replace(/\.json$/, '')}`, event });
      }
    }
  }
  return out;
}

export class EventEmitter {
  private readonly client: EventBridgeClient;
  private next = 0;
  emitted = 0;

  constructor(
    aws: AwsTarget,
    readonly samples: readonly SampleEvent[],
    private readonly busName = 'default',
  ) {
    this.client = new EventBridgeClient(aws.client);
  }

  byName(name: string): SampleEvent {
    const sample = this.samples.find((s) => s.name === name);
    if (!sample) throw new Error(`no sample event named ${name}`);
    return sample;
  }

  /** Puts the given samples (default: the next one in rotation) on the bus. */
  async emit(samples: readonly SampleEvent[] = this.rotate()): Promise<number> {
    if (samples.length === 0) return 0;
    // PutEvents takes at most 10 entries per call.
    for (let i = 0; i < samples.length; i += 10) {
      const chunk = samples.slice(i, i + 10);
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: chunk.map(({ event }) => ({
            EventBusName: this.busName,
            Source: event.source,
            DetailType: event['detail-type'],
            Detail: JSON.stringify(event.detail ?? {}),
            Resources: event.resources ?? [],
            Time: new Date(),
          })),
        }),
      );
      if ((out.FailedEntryCount ?? 0) > 0) {
        throw new Error(`EventBridge rejected ${out.FailedEntryCount} event(s): ${out.Entries?.find((e) => e.ErrorCode)?.ErrorMessage ?? ''}`);
      }
      this.emitted += chunk.length;
    }
    return samples.length;
  }

  private rotate(): SampleEvent[] {
    if (this.samples.length === 0) return [];
    const sample = this.samples[this.next % this.samples.length]!;
    this.next++;
    return [sample];
  }

  close(): void {
    this.client.destroy();
  }
}
