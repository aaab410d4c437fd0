import {
  AGENT_RULES, CLOUD_RULES, CSM_RULES, FIM_PATHS, FW_RULES, GROUPS, LIDS_RULES, PLATFORMS, REGIONS, REPOSITORIES, SAM_RULES,
  VULNERABLE_PACKAGES,
} from './catalog';
import { haloTimestamp, micros } from './time';
import type { AssetState, HaloAsset, HaloIssue, IssueFindingRef, IssueSource, IssueStatus, IssueType } from './types';
import { seededRandom } from '../random';

/**
 * Deterministic Halo v3 test data: `makeHaloIssue` for one issue, `demoIssues(n, seed)` for a mixed
 * data set (types, sources, criticality, status, asset state). URLs point at the real Halo origin;
 * the stand-in rewrites them to its own base URL when it serves them.
 */

const HALO_ORIGIN = 'https://api.cloudpassage.com';
/** Default end of the generated time span (fixed, so data is reproducible); pass `now` to move it. */
const DEMO_NOW = new Date('2026-11-20T12:00:00Z');
const DAY_US = 86_400_000_000;

export type Rng = () => number;

/** Deterministic demo data from the shared mulberry32 PRNG. */
export const rngFrom = (seed: number): Rng => seededRandom(seed);

const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
const hex = (rng: Rng, n: number): string => {
  let s = '';
  while (s.length < n) s += Math.floor(rng() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, n);
};
const dashed = (h: string): string => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
/** Small stable hash, to derive asset details from an asset id without storing them. */
const hashOf = (s: string): number => {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
};

/** Who an issue is about: a server, a cloud resource or a container image. */
export interface AssetIdentity {
  kind: HaloAsset['kind'];
  hex: string;
  name: string;
  state: AssetState;
  group: { name: string; path: string };
  region: string;
  accountId: string;
  repository?: string;
}

const SOURCE_OF: Record<IssueType, IssueSource> = {
  csm: 'server_secure', fim: 'server_secure', lids: 'server_secure', sva: 'server_secure',
  sam: 'server_secure', fw: 'server_secure', agent: 'server_secure', image_sva: 'container_secure',
};
const KIND_OF: Record<IssueSource, HaloAsset['kind']> = { server_secure: 'servers', cloud_secure: 'csp_resources', container_secure: 'images' };
const ASSET_TYPE_OF = { servers: 'server', csp_resources: 'csp_resource', images: 'container_image' } as const;
const EVENT_TYPES: ReadonlySet<IssueType> = new Set(['lids', 'fw', 'agent']);

function makeAssetIdentity(rng: Rng, kind: HaloAsset['kind'], state: AssetState = 'active'): AssetIdentity {
  const h = hex(rng, 32);
  const region = pick(rng, REGIONS);
  const accountId = String(100000000000 + Math.floor(rng() * 899999999999));
  const group = pick(rng, GROUPS);
  if (kind === 'servers') return { kind, hex: h, name: `ip-10-${Math.floor(rng() * 255)}-${Math.floor(rng() * 255)}-${Math.floor(rng() * 254) + 1}`, state, group, region, accountId };
  if (kind === 'images') {
    const repository = pick(rng, REPOSITORIES);
    return { kind, hex: h, name: `${repository}:${1 + Math.floor(rng() * 40)}.${Math.floor(rng() * 10)}`, state, group, region, accountId, repository };
  }
  return { kind, hex: h, name: `resource-${h.slice(0, 8)}`, state, group, region, accountId };
}

interface IssueTimes {
  created: number;
  lastSeen: number;
  resolved?: number;
}

/** The type-specific part of an issue: name, rule, criticality hints, SVA package data. */
function ruleFor(rng: Rng, type: IssueType, source: IssueSource): Partial<HaloIssue> & { name: string; rule_name: string; critical: boolean } {
  if (source === 'cloud_secure') {
    const r = pick(rng, CLOUD_RULES);
    return { name: r.name, rule_name: r.name, critical: rng() < 0.35, csp_rule_id: r.ruleId, csp_service_type: r.service };
  }
  switch (type) {
    case 'sva':
    case 'image_sva': {
      const p = pick(rng, VULNERABLE_PACKAGES);
      const maxCvss = Math.max(...p.cves.map((c) => c.cvss));
      return {
        name: p.name, rule_name: p.name, critical: maxCvss >= 9, package_name: p.name, package_version: p.version,
        cve_ids: p.cves.map((c) => c.id), max_cvss: maxCvss, remotely_exploitable: p.remote,
      };
    }
    case 'csm': {
      const r = pick(rng, CSM_RULES);
      return { name: r.name, rule_name: r.name, critical: rng() < 0.2 };
    }
    case 'fim': {
      const path = pick(rng, FIM_PATHS);
      return { name: path, rule_name: `Core system files: ${path}`, critical: path.includes('shadow') || path.includes('sudo') };
    }
    case 'lids': {
      const r = pick(rng, LIDS_RULES);
      return { name: r.name, rule_name: r.name, critical: r.name.includes('Root') || r.name.includes('cleared') };
    }
    case 'sam': {
      const r = pick(rng, SAM_RULES);
      return { name: r, rule_name: r, critical: r.includes('UID 0') };
    }
    case 'fw': {
      const r = pick(rng, FW_RULES);
      return { name: r, rule_name: r, critical: rng() < 0.15 };
    }
    case 'agent': {
      const r = pick(rng, AGENT_RULES);
      return { name: r, rule_name: r, critical: r.includes('verification') };
    }
  }
}

/** Builds one coherent v3 issue for `type` on `asset`. */
function buildIssue(rng: Rng, type: IssueType, source: IssueSource, asset: AssetIdentity, status: IssueStatus, times: IssueTimes): HaloIssue {
  const id = dashed(hex(rng, 32));
  const rule = ruleFor(rng, type, source);
  const ruleNumber = 100000 + Math.floor(rng() * 900000);
  const policyId = hex(rng, 32);
  const category = type === 'image_sva' ? 'sva' : type;
  const resolvedAt = status === 'resolved' ? (times.resolved ?? times.lastSeen) : undefined;
  const updated = Math.max(times.lastSeen, resolvedAt ?? 0);
  const findingAt = haloTimestamp(times.lastSeen);
  const scan = hex(rng, 32);
  const item = hex(rng, 32);
  const findingRef: IssueFindingRef = EVENT_TYPES.has(type)
    ? { status, created_at: findingAt, event_id: item }
    : { status, created_at: findingAt, scan_id: scan, finding_id: item };
  const findingUrl = EVENT_TYPES.has(type) ? `${HALO_ORIGIN}/v1/events/${item}` : `${HALO_ORIGIN}/v1/scans/${scan}/findings/${item}`;
  const platform = PLATFORMS[hashOf(asset.hex) % PLATFORMS.length]!;
  const issue: HaloIssue = {
    id,
    url: `${HALO_ORIGIN}/v3/issues/${id}`,
    rule_key: `${category}::${type === 'sva' || type === 'image_sva' ? '' : ruleNumber}::${rule.name}`,
    ...rule,
    type,
    category,
    source,
    status,
    created_at: haloTimestamp(times.created),
    updated_at: haloTimestamp(updated),
    first_seen_at: haloTimestamp(times.created),
    last_seen_at: haloTimestamp(times.lastSeen),
    resolved_at: resolvedAt === undefined ? null : haloTimestamp(resolvedAt),
    ...(resolvedAt === undefined
      ? {}
      : {
          resolved_by: 'system',
          resolution_comment: asset.state === 'retired' ? 'Server retired.' : 'Issue no longer detected.',
          time_to_resolution: Math.round((resolvedAt - times.created) / 1_000_000),
        }),
    policy_id: policyId,
    policy_name: `${asset.group.name} ${category.toUpperCase()} policy`,
    findings: [findingRef],
    last_finding_urls: [findingUrl],
    extended_attributes: {
      name: rule.name,
      os_type: source === 'cloud_secure' ? undefined : 'linux',
      ...(rule.cve_ids ? { cve_info: rule.cve_ids.map((cve) => ({ cve_id: cve })) } : {}),
    },
    asset_id: dashed(asset.hex),
    asset_url: `${HALO_ORIGIN}/v1/${asset.kind}/${asset.hex}`,
    asset_type: ASSET_TYPE_OF[asset.kind],
    asset_name: asset.name,
    group_id: hex(rng, 32),
    group_name: asset.group.name,
    group_path: asset.group.path,
    os_type: source === 'cloud_secure' ? '' : 'linux',
    csp_provider: 'aws',
    csp_account_id: asset.accountId,
    csp_region: asset.region,
    csp_tags: [{ key: 'env', value: asset.group.path.includes('Non-Production') ? 'staging' : 'production' }],
  };
  if (source === 'server_secure') issue.csp_image_id = `ami-${asset.hex.slice(0, 17)}`;
  if (source === 'cloud_secure') {
    const arn = `arn:aws:${issue.csp_service_type}:${asset.region}:${asset.accountId}:${asset.name}`;
    Object.assign(issue, { csp_account_type: 'aws', csp_account_name: `acme-${asset.region}`, csp_resource_id: arn, csp_resource_uri: arn });
  }
  if (source === 'container_secure') {
    Object.assign(issue, { image_sha: `sha256:${hex(rng, 64)}`, registry_name: `${asset.accountId}.dkr.ecr.${asset.region}.amazonaws.com`, repository_name: asset.repository });
  }
  if (platform.platform === 'ubuntu') issue.extended_attributes.platform = platform.platform;
  return issue;
}

const defaultRng = rngFrom(0x4a1f);

/**
 * One realistic issue (default: active, non-critical-or-not as the rule says, server SVA on an
 * active server), with `overrides` applied last. `type` and `source` overrides shape the whole issue.
 */
export function makeHaloIssue(overrides: Partial<HaloIssue> = {}, rng: Rng = defaultRng): HaloIssue {
  const type = overrides.type ?? 'sva';
  const source = overrides.source ?? (type === 'csm' && overrides.asset_type === 'csp_resource' ? 'cloud_secure' : SOURCE_OF[type]);
  const status = overrides.status ?? 'active';
  const asset = makeAssetIdentity(rng, KIND_OF[source]);
  const now = micros(DEMO_NOW);
  const created = now - Math.floor(rng() * 7 * DAY_US) - DAY_US;
  const issue = { ...buildIssue(rng, type, source, asset, status, { created, lastSeen: created + Math.floor((now - created) / 2) }), ...overrides };
  if (overrides.id && !overrides.url) issue.url = `${HALO_ORIGIN}/v3/issues/${overrides.id}`;
  return issue;
}

/** An issue list that also carries the assets it refers to (with their states). */
export type HaloDemoIssues = HaloIssue[] & { assets: HaloAsset[] };

const TYPE_WEIGHTS: readonly [IssueType, IssueSource, number][] = [
  ['sva', 'server_secure', 30], ['csm', 'server_secure', 18], ['fim', 'server_secure', 10], ['lids', 'server_secure', 10],
  ['sam', 'server_secure', 4], ['fw', 'server_secure', 3], ['agent', 'server_secure', 3], ['csm', 'cloud_secure', 14],
  ['image_sva', 'container_secure', 8],
];
const TOTAL_WEIGHT = TYPE_WEIGHTS.reduce((n, [, , w]) => n + w, 0);

function assetState(rng: Rng): AssetState {
  const r = rng();
  return r < 0.82 ? 'active' : r < 0.9 ? 'deactivated' : r < 0.96 ? 'missing' : 'retired';
}

/**
 * `n` issues of mixed type/source/criticality/status over a pool of assets in mixed states,
 * spread over `spanDays` before `now`. Same (n, seed, options) → same data.
 */
export function demoIssues(n: number, seed = 1, opts: { now?: Date; spanDays?: number; resolvedShare?: number } = {}): HaloDemoIssues {
  const rng = rngFrom(seed);
  const end = micros(opts.now ?? DEMO_NOW);
  const span = (opts.spanDays ?? 30) * DAY_US;
  const resolvedShare = opts.resolvedShare ?? 0.3;
  const pools: Record<HaloAsset['kind'], AssetIdentity[]> = {
    servers: Array.from({ length: Math.max(1, Math.ceil(n / 6)) }, () => makeAssetIdentity(rng, 'servers', assetState(rng))),
    csp_resources: Array.from({ length: Math.max(1, Math.ceil(n / 20)) }, () => makeAssetIdentity(rng, 'csp_resources', assetState(rng))),
    images: Array.from({ length: Math.max(1, Math.ceil(n / 25)) }, () => makeAssetIdentity(rng, 'images', assetState(rng))),
  };
  const issues: HaloIssue[] = [];
  const firstIssueOf = new Map<AssetIdentity, HaloIssue>();
  for (let i = 0; i < n; i++) {
    let w = rng() * TOTAL_WEIGHT;
    const [type, source] =
      TYPE_WEIGHTS.find(([, , weight]) => {
        w -= weight;
        return w < 0;
      }) ?? TYPE_WEIGHTS[0]!;
    const kind = KIND_OF[source];
    const asset = pick(rng, pools[kind]);
    const created = end - span + Math.floor(rng() * span * 0.9);
    const lastSeen = created + Math.floor(rng() * (end - created));
    // Issues on retired/deactivated assets are mostly resolved, as Halo resolves them on retirement.
    const resolved = asset.state !== 'active' ? rng() < 0.7 : rng() < resolvedShare;
    const times = { created, lastSeen, resolved: resolved ? lastSeen + Math.floor(rng() * (end - lastSeen)) : undefined };
    const issue = buildIssue(rng, type, source, asset, resolved ? 'resolved' : 'active', times);
    issues.push(issue);
    if (!firstIssueOf.has(asset)) firstIssueOf.set(asset, issue);
  }
  const assets = [...firstIssueOf].map(([identity, issue]) => makeHaloAsset(issue, identity)!);
  return Object.assign(issues, { assets });
}

/**
 * The asset an issue points at, derived from the issue's asset fields (so it costs nothing to
 * store). `identity` supplies the state; without it the asset is active.
 */
export function makeHaloAsset(issue: HaloIssue | null, identity?: Partial<AssetIdentity>): HaloAsset | undefined {
  if (!issue) return undefined;
  const [kindSeg, id] = issue.asset_url.replace(/^https?:\/\/[^/]+\/v1\//, '').split('/');
  const kind = kindSeg as HaloAsset['kind'];
  const hexId = id ?? '';
  const state = identity?.state ?? 'active';
  const url = `${HALO_ORIGIN}/v1/${kind}/${hexId}`;
  const common = { id: hexId, url, state, group_name: issue.group_name, group_path: issue.group_path };
  if (kind === 'servers') {
    const p = PLATFORMS[hashOf(hexId) % PLATFORMS.length]!;
    const ip = issue.asset_name.replace(/^ip-/, '').replace(/-/g, '.');
    return {
      kind, id: hexId, state,
      body: {
        ...common, hostname: issue.asset_name, server_label: null, reported_fqdn: `${issue.asset_name}.${issue.csp_region ?? 'eu-west-1'}.compute.internal`,
        primary_ip_address: ip, connecting_ip_address: ip, connecting_ip_fqdn: '', daemon_version: '4.4.4', read_only: false,
        platform: p.platform, platform_version: p.version, os_version: p.kernel, kernel_name: 'Linux', kernel_machine: 'x86_64',
        self_verification_failed: false, last_state_change: issue.created_at, docker_inspection: 'Disabled', group_id: issue.group_id,
        firewall_policy: { id: null, url: null, name: null, installed: null, status: null },
        interfaces: [{ name: 'eth0', ip_address: ip, netmask: '255.255.240.0', mac_address: `0a:${hexId.slice(0, 2)}:${hexId.slice(2, 4)}:${hexId.slice(4, 6)}:${hexId.slice(6, 8)}:01` }],
        aws_ec2: { ec2_instance_id: `i-${hexId.slice(0, 17)}`, ec2_region: issue.csp_region, ec2_account_id: issue.csp_account_id },
        csp_provider: 'aws', csp_account_id: issue.csp_account_id, csp_availability_zone: `${issue.csp_region ?? 'eu-west-1'}a`,
        csp_image_id: issue.csp_image_id, csp_instance_id: `i-${hexId.slice(0, 17)}`, csp_instance_type: 'm5.large',
        csp_kernel_id: null, csp_private_ip: ip, csp_region: issue.csp_region, csp_security_groups: ['sg-0a1b2c3d'],
        csp_instance_tags: issue.csp_tags ?? [],
      },
    };
  }
  if (kind === 'images') {
    return {
      kind, id: hexId, state,
      body: {
        ...common, name: issue.asset_name, image_sha: issue.image_sha, registry_name: issue.registry_name,
        repository_name: issue.repository_name, tag: issue.asset_name.split(':')[1] ?? 'latest', os_type: 'linux', created_at: issue.created_at,
      },
    };
  }
  return {
    kind, id: hexId, state,
    body: {
      ...common, name: issue.asset_name, csp_provider: 'aws', csp_account_id: issue.csp_account_id, csp_account_name: issue.csp_account_name,
      csp_account_type: issue.csp_account_type, csp_region: issue.csp_region, csp_service_type: issue.csp_service_type,
      csp_resource_id: issue.csp_resource_id, csp_resource_uri: issue.csp_resource_uri, csp_tags: issue.csp_tags ?? [],
    },
  };
}
