import { spawnSync } from 'node:child_process';
import { UsageError } from '../../shared/cli';
import { redactSecretUrl } from '../../shared/redact';
import { buildWebhookMappings, loadBlueprints, loadSources } from '../mappings/build';
import { PortApi, type Json } from './port-api';
import { decide, deployCommand, ingestUrlOf, mergeBlueprint, parseWebhookRef, type Action, type BlueprintConflict, type BlueprintJson } from './plan';

/**
 * One installer run: token → blueprints → webhook (with the generated mappings) → integration
 * record → AWS side through `sls deploy`. Re-runs write nothing when Port already matches.
 */
export interface InstallOptions {
  clientId: string;
  clientSecret: string;
  portBaseUrl: string;
  webhook?: string;
  integrationId?: string;
  eventSources: string[];
  stage: string;
  awsRegion?: string;
  portOnly: boolean;
  dryRun: boolean;
  /** Where progress lines go (stdout in the CLI). */
  out: (line: string) => void;
  /** Runs the deploy; default spawns `npx sls deploy` in the project root. */
  deploy?: (cmd: ReturnType<typeof deployCommand>) => number;
}

export interface InstallResult {
  actions: Record<string, Action | 'skipped'>;
  webhookUrl?: string;
  deployCommand?: string;
  deployExitCode?: number;
}

export const WEBHOOK_TITLE = 'AWS events (halo-jira-port)';
const VERSION = '0.1.0';

export function desiredWebhook(identifier: string, sources: string[]): Json {
  return {
    identifier,
    title: WEBHOOK_TITLE,
    description: `EventBridge events from ${sources.join(', ')} forwarded by portForwarder`,
    icon: 'AWS',
    enabled: true,
    // The forwarder's batch id is deterministic, so Port drops a redelivered batch.
    security: { requestIdentifierPath: '.body.id' },
    mappings: buildWebhookMappings(sources),
  };
}

function defaultDeploy(cmd: ReturnType<typeof deployCommand>): number {
  const res = spawnSync('npx', cmd.args, { stdio: 'inherit', env: { ...process.env, ...cmd.env } });
  return res.status ?? 1;
}

export async function install(opts: InstallOptions): Promise<InstallResult> {
  const { out } = opts;
  const known = Object.keys(loadSources());
  const unknown = opts.eventSources.filter((s) => !known.includes(s));
  if (unknown.length) throw new UsageError(`--event-sources: unknown ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const ref = parseWebhookRef(opts.webhook);
  const blueprints = loadBlueprints();
  const result: InstallResult = { actions: {} };
  const step = (n: number, text: string): void => out(`[${n}/5] ${text}`);

  const api = portApi(opts);
  if (opts.dryRun) {
    out('Dry run: no request is sent to AWS, and only reads to Port. Plan:');
    step(1, `token from ${opts.portBaseUrl}/v1/auth/access_token`);
    if (opts.clientId && opts.clientSecret) {
      // With credentials, a dry run reads the blueprints Port has and shows the merge it would do.
      await api.authenticate(opts.clientId, opts.clientSecret);
      step(2, 'blueprints (merge: existing properties, relations and titles are kept):');
      const conflicts: BlueprintConflict[] = [];
      for (const bp of blueprints) {
        const merge = mergeBlueprint(bp as BlueprintJson, (await api.getBlueprint(bp.identifier)) as BlueprintJson | undefined);
        conflicts.push(...merge.conflicts);
        out(`      ${bp.identifier}: ${describeMerge(merge)}`);
      }
      if (conflicts.length > 0) throw new BlueprintConflictError(conflicts);
    } else step(2, `blueprints (create, or add missing properties/relations; pass credentials to see the merge): ${blueprints.map((b) => b.identifier).join(', ')}`);
    step(3, `webhook ${ref.kind === 'identifier' ? `"${ref.identifier}"` : redactSecretUrl(ref.url)}: create or update with ${buildWebhookMappings(opts.eventSources).length} mappings for ${opts.eventSources.join(', ')}`);
    step(4, opts.integrationId ? `integration record "${opts.integrationId}": update if it exists` : 'integration record: skipped (no --integration-id)');
    const cmd = deployCommand('<webhook url from step 3>', opts.eventSources, opts.stage, opts.awsRegion);
    step(5, opts.portOnly ? `print: ${cmd.line}` : `run: ${cmd.line}`);
    return { ...result, deployCommand: cmd.line };
  }

  step(1, 'token');
  await api.authenticate(opts.clientId, opts.clientSecret);
  out('      ok');

  step(2, 'blueprints');
  const merges = [];
  for (const bp of blueprints) merges.push({ bp, merge: mergeBlueprint(bp as BlueprintJson, (await api.getBlueprint(bp.identifier)) as BlueprintJson | undefined) });
  // Stop before any write: a half-merged data model is worse than none.
  const conflicts = merges.flatMap((m) => m.merge.conflicts);
  if (conflicts.length > 0) throw new BlueprintConflictError(conflicts);
  for (const { bp, merge } of merges) {
    if (merge.action === 'create') await api.createBlueprint(bp);
    if (merge.action === 'update') await api.updateBlueprint(bp.identifier, merge.body as BlueprintJson);
    result.actions[`blueprint:${bp.identifier}`] = merge.action;
    out(`      ${bp.identifier}: ${merge.action === 'create' ? 'created' : merge.action === 'update' ? `updated (added ${merge.added.join(', ')})` : 'unchanged'}`);
  }

  step(3, 'webhook');
  let identifier: string;
  if (ref.kind === 'ingest-url') {
    const hooks = await api.listWebhooks();
    const hit = hooks.find((h) => h.webhookKey === ref.key || h.url === ref.url);
    if (!hit || typeof hit.identifier !== 'string') throw new UsageError(`--webhook ${redactSecretUrl(ref.url)}: no webhook with that key in this Port organization (check --port-base-url, or pass the webhook identifier)`);
    identifier = hit.identifier;
  } else identifier = ref.identifier;
  const desired = desiredWebhook(identifier, opts.eventSources);
  const current = await api.getWebhook(identifier);
  const action = decide(desired, current, 'webhook');
  const hook = action === 'create' ? await api.createWebhook(desired) : action === 'update' ? await api.updateWebhook(identifier, stripIdentifier(desired)) : (current as Json);
  result.actions[`webhook:${identifier}`] = action;
  result.webhookUrl = ingestUrlOf(hook, opts.portBaseUrl);
  out(`      ${identifier}: ${action === 'create' ? 'created' : action === 'update' ? 'updated' : 'unchanged'} (${(desired.mappings as unknown[]).length} mappings) → ${redactSecretUrl(result.webhookUrl)}`);

  step(4, 'integration record');
  if (!opts.integrationId) {
    out('      skipped (no --integration-id)');
  } else {
    const wanted = { title: WEBHOOK_TITLE, installationAppType: 'aws-serverless', version: VERSION };
    const existing = await api.getIntegration(opts.integrationId);
    if (!existing) {
      result.actions[`integration:${opts.integrationId}`] = 'skipped';
      out(`      "${opts.integrationId}" not found: skipped (Port's public API cannot create integration records; the webhook works without one)`);
    } else {
      const act = decide(wanted, existing, 'integration');
      if (act === 'update') await api.updateIntegration(opts.integrationId, wanted);
      result.actions[`integration:${opts.integrationId}`] = act;
      out(`      ${opts.integrationId}: ${act === 'update' ? 'updated' : 'unchanged'}`);
    }
  }

  const cmd = deployCommand(result.webhookUrl, opts.eventSources, opts.stage, opts.awsRegion);
  result.deployCommand = cmd.line;
  if (opts.portOnly) {
    step(5, 'AWS side not deployed (--port-only). Run this (it contains the webhook key: keep it out of logs):');
    out(cmd.line);
    return result;
  }
  step(5, `sls deploy --stage ${opts.stage} (PORT_WEBHOOK_URL=${redactSecretUrl(result.webhookUrl)})`);
  result.deployExitCode = (opts.deploy ?? defaultDeploy)(cmd);
  if (result.deployExitCode !== 0) throw new DeployError(result.deployExitCode);
  return result;
}

function stripIdentifier(o: Json): Json {
  const { identifier: _id, ...rest } = o;
  return rest;
}

function portApi(opts: InstallOptions): PortApi {
  return new PortApi(opts.portBaseUrl, { onRetry: (i) => opts.out(`      retrying in ${i.delayMs} ms (${i.reason})`) });
}

function describeMerge(m: ReturnType<typeof mergeBlueprint>): string {
  if (m.conflicts.length > 0) return `CONFLICT ${m.conflicts.map((c) => `${c.field} is ${c.theirs} in Port, ${c.ours} here`).join('; ')}`;
  if (m.action === 'create') return 'create';
  return m.action === 'update' ? `add ${m.added.join(', ')} (everything else kept)` : 'unchanged';
}

/** An existing blueprint property (or relation) has another type than ours: changing it would break its data. */
export class BlueprintConflictError extends Error {
  override name = 'BlueprintConflictError';
  constructor(readonly conflicts: readonly BlueprintConflict[]) {
    super(
      `existing Port blueprints are incompatible; nothing was written:\n${conflicts.map((c) => `  - ${c.blueprint}.${c.field}: Port has ${c.theirs}, this installer needs ${c.ours}`).join('\n')}\n  fix: change or rename the property in Port (its data is kept by Port only while the type fits), or remove the source from --event-sources`,
    );
  }
}

export class DeployError extends Error {
  override name = 'DeployError';
  constructor(readonly exitCode: number) {
    super(`sls deploy exited with ${exitCode}: Port is set up; fix the AWS side (credentials, region) and re-run, or deploy with the command from --port-only`);
  }
}
