import { CSM_RULES, LIDS_RULES } from './catalog';
import type { HaloIssue } from './types';

/**
 * The finding (scan result) or event behind an issue's last finding URL, per reference §2.5
 * (csm/fim/sva/lids fixture shapes). Derived from the issue, so nothing extra is stored.
 */
export interface FindingDocument {
  /** Envelope key when wrapped: `finding` for scan findings, `event` for events. */
  key: 'finding' | 'event';
  body: Record<string, unknown>;
}

const EVENT_TYPE: Record<string, string> = { lids: 'lids_rule_failed', fw: 'firewall_modified', agent: 'daemon_compromised' };

export function findingOf(issue: HaloIssue, url: string): FindingDocument {
  const id = url.split('/').pop() ?? '';
  if (url.includes('/v1/events/')) {
    const rule = LIDS_RULES.find((r) => r.name === issue.name);
    return {
      key: 'event',
      body: {
        id, url, type: EVENT_TYPE[issue.type] ?? 'lids_rule_failed', name: issue.name, message: `${issue.rule_name} on ${issue.asset_name}`,
        rule_name: issue.rule_name, critical: issue.critical, created_at: issue.last_seen_at,
        original_log_entry: rule?.log ?? `halo-agent: ${issue.name}`, policy_name: issue.policy_name,
        server_id: issue.asset_url.split('/').pop(), server_hostname: issue.asset_name, server_group_name: issue.group_name,
        server_group_path: issue.group_path, server_platform: 'linux', server_ip_address: issue.asset_name.replace(/^ip-/, '').replace(/-/g, '.'),
      },
    };
  }
  const common = { id, url, status: 'bad', critical: issue.critical };
  switch (issue.type) {
    case 'sva':
    case 'image_sva':
      return {
        key: 'finding',
        body: {
          ...common, package_name: issue.package_name ?? issue.name, package_version: issue.package_version ?? 'unknown',
          cpe: `cpe:/a:${issue.package_name ?? issue.name}:${issue.package_version ?? ''}`,
          cve_entries: (issue.cve_ids ?? []).map((cve) => ({ cve_entry: cve, cvss_score: issue.max_cvss ?? null, suppressed: false })),
        },
      };
    case 'fim':
      return {
        key: 'finding',
        body: {
          ...common,
          rule: { target: issue.name, description: issue.rule_name, critical: issue.critical, recurse: false, alert: true, log: true, policy_id: issue.policy_id },
          findings: [{ file: issue.name, status: 'changed', detail: { sha256: id.padEnd(64, '0'), meta: { owner: 'root', group: 'root', mode: '0644' }, expected: [{ baseline_sha256: id.split('').reverse().join('').padEnd(64, 'f') }] } }],
          counts: { added: 0, ok: 0, changed: 1, missing: 0 },
          per_page: 100,
          next: null,
          starting_at: 0,
        },
      };
    default: {
      const rule = CSM_RULES.find((r) => r.name === issue.name);
      return {
        key: 'finding',
        body: {
          ...common, rule_name: issue.rule_name, rule_description: `${issue.rule_name} (${issue.source})`, rule_operator: 'AND',
          reference_identifiers: rule ? [{ type: 'CIS', value: rule.cis }] : issue.csp_rule_id ? [{ type: 'Halo', value: issue.csp_rule_id }] : [],
          details: [{
            status: 'bad', actual: rule?.actual ?? 'non-compliant', expected: rule?.expected ?? 'compliant',
            target: rule?.target ?? issue.csp_resource_id ?? issue.name, check_id: `${issue.type}-${id.slice(0, 8)}`,
            pattern: null, type: issue.type === 'sam' ? 'account' : 'configuration', scan_status: 'completed',
          }],
        },
      };
    }
  }
}
