import type { PortEntity, Scope } from '../../port/mappings/definitions';

/**
 * The pure decision of a resync, per blueprint: what the listing built (`listed`) against what
 * Port holds (`stored`, from the entity search). Only what the listing knows is compared, so values
 * only events carry (lastChange, stateChangedAt…) never cause a write. Deletions are limited to
 * this account and region, and only decided on a complete listing.
 */
export interface StoredEntity {
  identifier: string;
  title?: string | null;
  properties?: Record<string, unknown>;
  relations?: Record<string, unknown>;
}

export interface BlueprintDiff {
  blueprint: string;
  create: PortEntity[];
  update: PortEntity[];
  unchanged: number;
  /** Identifiers of this account + region that the listing did not return. */
  delete: string[];
}

/** An entity this resync may delete: same account (relation) and same region (property). */
export function inScope(e: StoredEntity, scope: Pick<Scope, 'account' | 'region'>): boolean {
  return e.relations?.account === scope.account && e.properties?.region === scope.region;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** Deep equality; two date-times are equal when they are the same instant (Port may normalise the form). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'string' && typeof b === 'string') return ISO_INSTANT.test(a) && ISO_INSTANT.test(b) && Date.parse(a) === Date.parse(b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => sameValue(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** True when writing `listed` would change nothing Port holds. */
export function upToDate(listed: PortEntity, stored: StoredEntity): boolean {
  if (listed.title !== (stored.title ?? undefined)) return false;
  for (const [k, v] of Object.entries(listed.properties)) if (!sameValue(v, stored.properties?.[k])) return false;
  for (const [k, v] of Object.entries(listed.relations)) if (!sameValue(v, stored.relations?.[k])) return false;
  return true;
}

export function diffBlueprint(
  blueprint: string,
  listed: readonly PortEntity[],
  stored: readonly StoredEntity[],
  scope: Pick<Scope, 'account' | 'region'>,
  opts: { listingComplete: boolean },
): BlueprintDiff {
  const byId = new Map(stored.map((e) => [e.identifier, e]));
  const out: BlueprintDiff = { blueprint, create: [], update: [], unchanged: 0, delete: [] };
  const seen = new Set<string>();
  for (const entity of listed) {
    if (entity.blueprint !== blueprint || seen.has(entity.identifier)) continue;
    seen.add(entity.identifier);
    const current = byId.get(entity.identifier);
    if (!current) out.create.push(entity);
    else if (upToDate(entity, current)) out.unchanged += 1;
    else out.update.push(entity);
  }
  // Never delete on a partial listing: what was not listed yet is not known to be gone.
  if (opts.listingComplete) out.delete = stored.filter((e) => !seen.has(e.identifier) && inScope(e, scope)).map((e) => e.identifier);
  return out;
}
