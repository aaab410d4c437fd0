import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { UsageError } from '../../shared/cli';
import { redactSecretUrl } from '../../shared/redact';
import { webhookSecurity } from '../../shared/webhook-signature';
import { buildWebhookMappings, loadBlueprints, loadSources } from '../mappings/build';
import { PortApi, type Json } from './port-api';
import { decide, defaultParameterNames, deployCommand, ingestUrlOf, jiraSyncMissing, mergeBlueprint, parseWebhookRef, withoutJiraSync, type Action, type BlueprintConflict, type BlueprintJson } from './plan';
import { SsmSecretStore, type SecretStore } from './ssm';

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
  /** The deploying environment: decides whether jiraSync is configured enough to deploy. */
  env?: Record<string, string | undefined>;
  /** Runs the deploy; default spawns `npx sls deploy` in the project root. */
  deploy?: (cmd: ReturnType<typeof deployCommand>) => number;
  /** SSM SecureString names for the ingest URL and the signing secret (default /halo-jira-port/<stage>/…). */
  webhookUrlParam?: string;
  webhookSecretParam?: string;
  /** SSM SecureString names for the Port client id and secret portResync reads (default /halo-jira-port/<stage>/port-client-id, -secret). */
  clientIdParam?: string;
  clientSecretParam?: string;
  /** Where those parameters live; default SSM in --aws-region (or the AWS default chain). */
  secrets?: SecretStore;
}

export interface InstallResult {
  actions: Record<string, Action | 'skipped'>;
  webhookUrl?: string;
  deployCommand?: string;
  deployExitCode?: number;
}

const WEBHOOK_TITLE = 'AWS events (halo-jira-port)';
const VERSION = '0.1.0';

/** A webhook signing secret: 256 random bits, URL-safe. */
const newWebhookSecret = (): string => randomBytes(32).toString('base64url');

function desiredWebhook(identifier: string, sources: string[], secret: string): Json {
  return {
    identifier,
    title: WEBHOOK_TITLE,
    description: `EventBridge events from ${sources.join(', ')} forwarded by portForwarder`,
    icon: 'AWS',
    enabled: true,
    // Port verifies the forwarder's HMAC signature header; the batch id is deterministic, so Port
    // drops a redelivered batch (requestIdentifierPath).
    security: webhookSecurity(secret, '.body.id'),
    mappings: buildWebhookMappings(sources),
  };
}

function defaultDeploy(cmd: ReturnType<typeof deployCommand>): number {
  // The plain credentials the installer was given are in SSM now: the stage reads them from there,
  // and outside the local stage a plain secret in the environment fails the deploy.
  const { PORT_CLIENT_ID: _id, PORT_CLIENT_SECRET: _secret, ...inherited } = process.env;
  const res = spawnSync('npx', cmd.args, { stdio: 'inherit', env: { ...inherited, ...cmd.env } });
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
  const defaults = defaultParameterNames(opts.stage);
  const params = {
    webhookUrl: opts.webhookUrlParam ?? defaults.webhookUrl,
    webhookSecret: opts.webhookSecretParam ?? defaults.webhookSecret,
    clientId: opts.clientIdParam ?? defaults.clientId,
    clientSecret: opts.clientSecretParam ?? defaults.clientSecret,
  };
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
    const cmd = deployCommand(params, opts.eventSources, opts.stage, opts.awsRegion, functionsParam(opts, out));
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
  const store = opts.secrets ?? new SsmSecretStore(opts.awsRegion);
  // Re-runs keep the stored secret: Port and the deployed forwarder stay in agreement.
  const secret = (await store.get(params.webhookSecret)) ?? newWebhookSecret();
  const desired = desiredWebhook(identifier, opts.eventSources, secret);
  const current = await api.getWebhook(identifier);
  const action = decide(desired, current, 'webhook');
  const hook = action === 'create' ? await api.createWebhook(desired) : action === 'update' ? await api.updateWebhook(identifier, stripIdentifier(desired)) : (current as Json);
  result.actions[`webhook:${identifier}`] = action;
  result.webhookUrl = ingestUrlOf(hook, opts.portBaseUrl);
  out(`      ${identifier}: ${action === 'create' ? 'created' : action === 'update' ? 'updated' : 'unchanged'} (${(desired.mappings as unknown[]).length} mappings, signed requests) → ${redactSecretUrl(result.webhookUrl)}`);
  await store.putSecure(params.webhookUrl, result.webhookUrl, `Port ingest URL of webhook ${identifier} (halo-jira-port ${opts.stage})`);
  await store.putSecure(params.webhookSecret, secret, `Signing secret of Port webhook ${identifier} (halo-jira-port ${opts.stage})`);
  // portResync authenticates to Port's API with the same client credentials the installer was given.
  await store.putSecure(params.clientId, opts.clientId, `Port client id for portResync (halo-jira-port ${opts.stage})`);
  await store.putSecure(params.clientSecret, opts.clientSecret, `Port client secret for portResync (halo-jira-port ${opts.stage})`);
  if (store instanceof SsmSecretStore) store.close();
  out(`      stored as SSM SecureString: ${params.webhookUrl}, ${params.webhookSecret}, ${params.clientId}, ${params.clientSecret}`);

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

  const cmd = deployCommand(params, opts.eventSources, opts.stage, opts.awsRegion, functionsParam(opts, out));
  result.deployCommand = cmd.line;
  if (opts.portOnly) {
    step(5, 'AWS side not deployed (--port-only). Run this (it names the SSM parameters, never their values):');
    out(cmd.line);
    return result;
  }
  step(5, `sls deploy --stage ${opts.stage} (PORT_WEBHOOK_URL_SSM_PARAM=${params.webhookUrl}, PORT_CLIENT_ID_SSM_PARAM=${params.clientId}, PORT_CLIENT_SECRET_SSM_PARAM=${params.clientSecret})`);
  result.deployExitCode = (opts.deploy ?? defaultDeploy)(cmd);
  if (result.deployExitCode !== 0) throw new DeployError(result.deployExitCode);
  return result;
}

/** Never deploy an unconfigured jiraSync: without its required settings, deploy without it and say so. */
function functionsParam(opts: InstallOptions, out: (line: string) => void): string | undefined {
  const missing = jiraSyncMissing(opts.env ?? {});
  if (missing.length === 0) return opts.env?.FUNCTIONS;
  out(`      jiraSync is not deployed: ${missing.join(', ')} not set (docs/jiraSync.md); set them and re-run to add it`);
  return withoutJiraSync(opts.env?.FUNCTIONS);
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
