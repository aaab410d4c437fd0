import crypto from 'node:crypto';
import type { WebhookMapping } from '../../port/mappings/evaluate';

/** Port webhook definitions as the API stores them, and the ingest key → webhook lookup. */
export interface WebhookSecurity {
  secret?: string | null;
  signatureHeaderName?: string | null;
  signatureAlgorithm?: 'sha1' | 'sha256' | 'plain' | null;
  signaturePrefix?: string | null;
  requestIdentifierPath?: string | null;
}

export interface WebhookDefinition {
  identifier?: string;
  title: string;
  description?: string;
  icon?: string;
  enabled: boolean;
  mappings?: WebhookMapping[];
  security?: WebhookSecurity;
  integrationType?: 'custom' | 'template';
}

export interface Webhook extends Required<Pick<WebhookDefinition, 'title' | 'enabled' | 'mappings' | 'security'>> {
  identifier: string;
  description?: string;
  icon?: string;
  integrationType: 'custom' | 'template';
  webhookKey: string;
  url: string;
  createdAt: string;
  updatedAt: string;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Port's keys are long alphanumeric strings; never derived from the identifier. */
function newWebhookKey(): string {
  return Array.from(crypto.randomBytes(32), (b) => KEY_ALPHABET[b % KEY_ALPHABET.length]).join('');
}

export class Webhooks {
  private readonly byId = new Map<string, Webhook>();

  constructor(private readonly ingestBaseUrl: () => string) {}

  get(identifier: string): Webhook | undefined {
    return this.byId.get(identifier);
  }

  byKey(key: string): Webhook | undefined {
    return [...this.byId.values()].find((w) => w.webhookKey === key);
  }

  all(): Webhook[] {
    return [...this.byId.values()];
  }

  create(def: WebhookDefinition): Webhook {
    const identifier = def.identifier ?? `webhook_${crypto.randomBytes(6).toString('hex')}`;
    if (this.byId.has(identifier)) throw new Error(`webhook "${identifier}" already exists`);
    const webhookKey = newWebhookKey();
    const at = new Date().toISOString();
    const hook: Webhook = {
      identifier,
      title: def.title,
      ...(def.description !== undefined ? { description: def.description } : {}),
      ...(def.icon !== undefined ? { icon: def.icon } : {}),
      enabled: def.enabled,
      mappings: def.mappings ?? [],
      security: def.security ?? {},
      integrationType: def.integrationType ?? 'custom',
      webhookKey,
      url: `${this.ingestBaseUrl()}/${webhookKey}`,
      createdAt: at,
      updatedAt: at,
    };
    this.byId.set(identifier, hook);
    return structuredClone(hook);
  }

  /** PATCH merges top-level fields; PUT replaces them (key and url never change). */
  update(identifier: string, def: Partial<WebhookDefinition>, replace = false): Webhook | undefined {
    const prev = this.byId.get(identifier);
    if (!prev) return undefined;
    const base = replace
      ? { identifier, title: prev.title, enabled: prev.enabled, mappings: [], security: {}, integrationType: 'custom' as const }
      : prev;
    const next: Webhook = {
      ...base,
      ...def,
      identifier,
      webhookKey: prev.webhookKey,
      url: prev.url,
      createdAt: prev.createdAt,
      updatedAt: new Date().toISOString(),
    } as Webhook;
    this.byId.set(identifier, next);
    return structuredClone(next);
  }

  delete(identifier: string): boolean {
    return this.byId.delete(identifier);
  }

  clear(): void {
    this.byId.clear();
  }
}
