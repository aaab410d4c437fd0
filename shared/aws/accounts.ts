import { ListAccountsCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';

/**
 * The organisation's accounts × regions as targets for a per-account job (portResync's listers):
 * which accounts (Organizations ListAccounts, ACTIVE only, or a configured list), how to reach each
 * (STS AssumeRole of the spoke's read-only role with the external id; the hub's own account with its
 * own credentials), and running the job over all of them with bounded concurrency and a deadline per
 * target. One target failing (role refused, throttled, too slow) is reported with `skipDeletes`
 * and never stops the others. docs/organization.md "Resync across accounts".
 */
export interface Target {
  accountId: string;
  region: string;
  /** From Organizations, when the accounts came from there. */
  accountName?: string;
}

/** Temporary credentials, in the shape every AWS SDK v3 client accepts. */
interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** What an AWS SDK v3 client constructor takes: `new EC2Client(clientConfig)`. */
export interface ClientConfig {
  region: string;
  /** Absent for the hub's own account: the default provider chain (the function's role). */
  credentials?: AwsCredentialIdentity;
}

type FailureKind = 'assume-refused' | 'throttled' | 'deadline' | 'failed';

export interface TargetFailure {
  kind: FailureKind;
  message: string;
  /** The AWS error name when there was one (AccessDenied, ThrottlingException…). */
  code?: string;
}

export type TargetResult<R> =
  | { target: Target; ok: true; value: R; ms: number }
  /** Nothing of this target may be deleted on the strength of this run: its inventory is unknown. */
  | { target: Target; ok: false; failure: TargetFailure; skipDeletes: true; ms: number };

/** How a target is reached; `assumeSpokeRole` is the real one, tests pass fakes. */
export interface TargetAccess {
  clientConfig(target: Target, signal: AbortSignal): Promise<ClientConfig>;
}

export interface ForEachOptions {
  /** Targets worked on at once (default 4). */
  concurrency?: number;
  /** Per target, credentials included: after this the target is reported as `deadline` (default 60 s). */
  deadlinePerTargetMs?: number;
  access: TargetAccess;
}

/**
 * Runs `fn` once per target, at most `concurrency` at a time, each within its deadline. `fn` gets the
 * client config for the target's account and region and an AbortSignal that fires at the deadline
 * (pass it to `client.send(cmd, { abortSignal })`). Results come back in the order of `targets`.
 */
export async function forEachTarget<R>(
  targets: readonly Target[],
  fn: (target: Target, clientConfig: ClientConfig, signal: AbortSignal) => Promise<R>,
  opts: ForEachOptions,
): Promise<Array<TargetResult<R>>> {
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const deadlineMs = opts.deadlinePerTargetMs ?? 60_000;
  const results = new Array<TargetResult<R>>(targets.length);
  const queue = targets.entries();
  const worker = async (): Promise<void> => {
    for (let taken = queue.next(); !taken.done; taken = queue.next()) {
      const [i, target] = taken.value;
      results[i] = await runOne(target, fn, opts.access, deadlineMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
  return results;
}

async function runOne<R>(
  target: Target,
  fn: (target: Target, clientConfig: ClientConfig, signal: AbortSignal) => Promise<R>,
  access: TargetAccess,
  deadlineMs: number,
): Promise<TargetResult<R>> {
  const started = Date.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new DeadlineError(`${target.accountId}/${target.region}: no result within ${deadlineMs} ms`);
      controller.abort(err);
      reject(err);
    }, deadlineMs);
  });
  try {
    const work = (async () => fn(target, await access.clientConfig(target, controller.signal), controller.signal))();
    work.catch(() => undefined); // a late rejection after the deadline is already reported
    const value = await Promise.race([work, deadline]);
    return { target, ok: true, value, ms: Date.now() - started };
  } catch (err) {
    return { target, ok: false, failure: classify(err), skipDeletes: true, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

class DeadlineError extends Error {
  override name = 'DeadlineError';
}

/** The role could not be assumed: the account has no spoke role, or it does not trust us. */
class AssumeRoleRefused extends Error {
  override name = 'AssumeRoleRefused';
  constructor(readonly roleArn: string, readonly code: string, message: string) {
    super(`AssumeRole ${roleArn} refused (${code}): ${message}`);
  }
}

const THROTTLED = /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/;

function classify(err: unknown): TargetFailure {
  const e = err as { name?: string; message?: string } | undefined;
  const code = e?.name;
  const message = e?.message ?? String(err);
  if (err instanceof DeadlineError) return { kind: 'deadline', message };
  if (err instanceof AssumeRoleRefused) return { kind: 'assume-refused', message, code: err.code };
  if (code && THROTTLED.test(code)) return { kind: 'throttled', message, code };
  return { kind: 'failed', message, code };
}

export interface SpokeRoleOptions {
  sts: Pick<STSClient, 'send'>;
  /** The hub's own account: reached with the function's own credentials, no AssumeRole. */
  hubAccountId: string;
  /** The spoke template's ResyncRoleName (the same in every account). */
  roleName: string;
  externalId: string;
  partition?: string;
  sessionName?: string;
  durationSeconds?: number;
}

const spokeRoleArn = (accountId: string, roleName: string, partition = 'aws'): string => `arn:${partition}:iam::${accountId}:role/${roleName}`;

/**
 * Access by AssumeRole of the spoke role with the external id; one AssumeRole per account, shared by
 * its regions (a refusal is therefore reported for each of that account's targets).
 */
export function assumeSpokeRole(opts: SpokeRoleOptions): TargetAccess {
  const byAccount = new Map<string, Promise<AwsCredentialIdentity>>();
  // Not tied to one target's AbortSignal: the other regions of the account wait on the same call.
  const assume = async (accountId: string): Promise<AwsCredentialIdentity> => {
    const roleArn = spokeRoleArn(accountId, opts.roleName, opts.partition);
    try {
      const { Credentials: c } = await opts.sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: opts.sessionName ?? 'halo-jira-port-resync',
          ExternalId: opts.externalId,
          DurationSeconds: opts.durationSeconds ?? 3600,
        }),
      );
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new AssumeRoleRefused(roleArn, 'NoCredentials', 'STS answered without credentials');
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    } catch (err) {
      const e = err as { name?: string; message?: string };
      if (e.name === 'AccessDenied' || e.name === 'AccessDeniedException' || e.name === 'InvalidClientTokenId') {
        throw new AssumeRoleRefused(roleArn, e.name, e.message ?? '');
      }
      throw err;
    }
  };
  return {
    async clientConfig(target) {
      if (target.accountId === opts.hubAccountId) return { region: target.region };
      let pending = byAccount.get(target.accountId);
      if (!pending) {
        pending = assume(target.accountId);
        // A throttled or timed-out attempt is not remembered: the account's next region tries again.
        pending.catch((err: unknown) => {
          if (!(err instanceof AssumeRoleRefused)) byAccount.delete(target.accountId);
        });
        byAccount.set(target.accountId, pending);
      }
      return { region: target.region, credentials: await pending };
    },
  };
}

export interface TargetSelection {
  /** A configured list of account ids; empty = every ACTIVE account of the organisation. */
  accounts: readonly string[];
  regions: readonly string[];
  organizations?: Pick<OrganizationsClient, 'send'>;
}

/** Accounts × regions, accounts in the order given (or Organizations' order), regions in the order given. */
export async function resolveTargets(sel: TargetSelection): Promise<Target[]> {
  if (sel.regions.length === 0) throw new Error('no regions to resync: configure at least one');
  const accounts = sel.accounts.length > 0 ? sel.accounts.map((accountId) => ({ accountId })) : await activeAccounts(sel.organizations);
  return accounts.flatMap((a) => sel.regions.map((region) => ({ ...a, region })));
}

/** Organizations ListAccounts, every page, ACTIVE accounts only (`State`, or the older `Status`). */
async function activeAccounts(organizations?: Pick<OrganizationsClient, 'send'>): Promise<Array<{ accountId: string; accountName?: string }>> {
  if (!organizations) throw new Error('no account list configured and no Organizations client to list the organisation');
  const out: Array<{ accountId: string; accountName?: string }> = [];
  let NextToken: string | undefined;
  do {
    const page = await organizations.send(new ListAccountsCommand({ NextToken }));
    for (const a of page.Accounts ?? []) {
      const state = (a.State as string | undefined) ?? (a.Status as string | undefined);
      if (a.Id && state === 'ACTIVE') out.push({ accountId: a.Id, accountName: a.Name });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}
