import { reasonOf, RetryableError } from '../../shared/errors';
import { isFatal, type Described, type RunContext, type Unit, type UnitResult } from './context';
import { mapLimit } from './limit';
import type { HaloIssue } from './model';
import type { Enrichment } from './render';

/**
 * Enrich: what Halo says about each issue now (describe), and, for the ticket texts, its asset and
 * latest finding. A describe that fails ends that unit only; a fatal error stops the run.
 */
export async function describeUnits(ctx: RunContext, units: readonly Unit[]): Promise<{ described: Described[]; results: Map<Unit, UnitResult> }> {
  const results = new Map<Unit, UnitResult>();
  const out = await mapLimit(
    units,
    ctx.deps.haloConcurrency ?? 16,
    async (unit): Promise<Described | undefined> => {
      try {
        return { unit, issue: await ctx.deps.halo.describeIssue(unit.item.haloId) };
      } catch (err) {
        if (isFatal(err)) throw err;
        results.set(unit, { kind: err instanceof RetryableError ? 'transient' : 'refused', action: 'describe', error: err });
        return undefined;
      }
    },
    ctx,
  );
  ctx.check();
  return { described: out.filter((d): d is Described => d !== undefined), results };
}

/** Asset and latest finding; anything Halo cannot give is named in the text instead. */
export async function enrichment(ctx: RunContext, issue: HaloIssue, withAsset: boolean): Promise<Enrichment> {
  const missing: string[] = [];
  const fetch = async (label: string, url: string | null | undefined): Promise<unknown> => {
    if (!url) return undefined;
    try {
      const v = await ctx.deps.halo.fetchLinked(url);
      if (v === undefined) missing.push(`${label} (deleted in Halo)`);
      return v;
    } catch (err) {
      if (isFatal(err)) throw err;
      missing.push(`${label} (${reasonOf(err)})`);
      ctx.log.warn('Halo enrichment failed; the ticket text says so', { haloId: issue.id, what: label, reason: reasonOf(err) });
      return undefined;
    }
  };
  const findingUrl = issue.last_finding_urls?.[issue.last_finding_urls.length - 1];
  // allSettled: a fatal error from one lookup still waits for the other, so nothing outlives the run.
  const [asset, finding] = await Promise.allSettled([withAsset ? fetch('asset', issue.asset_url) : undefined, fetch('latest finding', findingUrl)]);
  for (const r of [asset, finding]) if (r.status === 'rejected') throw r.reason;
  return { asset: (asset as PromiseFulfilledResult<unknown>).value, finding: (finding as PromiseFulfilledResult<unknown>).value, assetType: issue.asset_type ?? undefined, missing };
}
