import {
  CloudFormationClient,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DescribeStackSetCommand,
  DescribeStackSetOperationCommand,
  ListStackInstancesCommand,
  ListStackSetOperationResultsCommand,
  UpdateStackSetCommand,
  type Parameter,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeOrganizationCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { STACKSETS_PRINCIPAL, type CallAs, type OrgState } from './plan';

/**
 * `npm run org:install`, the AWS side: reads the organisation and the StackSet, creates/updates it
 * and its instances, follows an operation. Every call goes through the three clients given (the
 * ambient credentials and region, or a local AWS through AWS_ENDPOINT_URL).
 */
export interface OrgClients {
  sts: Pick<STSClient, 'send'>;
  organizations: Pick<OrganizationsClient, 'send'>;
  cloudformation: Pick<CloudFormationClient, 'send'>;
}

export function orgClients(region: string): OrgClients & { destroy(): void } {
  const sts = new STSClient({ region });
  const organizations = new OrganizationsClient({ region });
  const cloudformation = new CloudFormationClient({ region });
  return { sts, organizations, cloudformation, destroy: () => [sts, organizations, cloudformation].forEach((c) => { c.destroy(); }) };
}

const named = (err: unknown, ...names: string[]): boolean => names.includes((err as { name?: string }).name ?? '');

export async function readOrgState(c: OrgClients, stackSetName: string): Promise<OrgState> {
  const { Account: callerAccount = '' } = await c.sts.send(new GetCallerIdentityCommand({}));
  const { Organization: org } = await c.organizations.send(new DescribeOrganizationCommand({}));
  const managementAccount = org?.MasterAccountId ?? '';
  const isManagement = callerAccount === managementAccount;
  let trustedAccess: boolean | undefined;
  let delegatedAdmins: string[] = [];
  if (isManagement) {
    const { EnabledServicePrincipals = [] } = await c.organizations.send(new ListAWSServiceAccessForOrganizationCommand({}));
    trustedAccess = EnabledServicePrincipals.some((p) => p.ServicePrincipal === STACKSETS_PRINCIPAL);
  } else {
    try {
      const { DelegatedAdministrators = [] } = await c.organizations.send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: STACKSETS_PRINCIPAL }));
      delegatedAdmins = DelegatedAdministrators.map((d) => d.Id ?? '');
    } catch (err) {
      // A member account may not read the list; StackSets itself then answers whether we are admin.
      if (!named(err, 'AccessDeniedException', 'AccessDenied')) throw err;
      delegatedAdmins = [callerAccount];
    }
  }
  const callAs: CallAs = isManagement ? 'SELF' : 'DELEGATED_ADMIN';
  const state: OrgState = { callerAccount, orgId: org?.Id ?? '', managementAccount, trustedAccess, delegatedAdmins, instances: [] };
  try {
    const { StackSet: set } = await c.cloudformation.send(new DescribeStackSetCommand({ StackSetName: stackSetName, CallAs: callAs }));
    if (set && set.Status !== 'DELETED') {
      state.stackSet = {
        templateBody: set.TemplateBody ?? '',
        parameters: Object.fromEntries((set.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? ''])),
        autoDeployment: set.AutoDeployment?.Enabled,
      };
      state.instances = await listInstances(c, stackSetName, callAs);
    }
  } catch (err) {
    if (!named(err, 'StackSetNotFoundException')) throw err;
  }
  return state;
}

export async function listInstances(c: OrgClients, stackSetName: string, callAs: CallAs): Promise<OrgState['instances']> {
  const out: OrgState['instances'] = [];
  let NextToken: string | undefined;
  do {
    const page = await c.cloudformation.send(new ListStackInstancesCommand({ StackSetName: stackSetName, CallAs: callAs, NextToken }));
    for (const s of page.Summaries ?? []) {
      out.push({
        ou: s.OrganizationalUnitId,
        account: s.Account ?? '',
        region: s.Region ?? '',
        status: [s.Status, s.StackInstanceStatus?.DetailedStatus, s.StatusReason].filter(Boolean).join(' '),
      });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

export interface StackSetWrite {
  name: string;
  templateBody: string;
  parameters: Record<string, string>;
  callAs: CallAs;
}

const asParameters = (p: Record<string, string>): Parameter[] => Object.entries(p).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
const AUTO = { Enabled: true, RetainStacksOnAccountRemoval: false };

export async function createStackSet(c: OrgClients, w: StackSetWrite): Promise<void> {
  await c.cloudformation.send(
    new CreateStackSetCommand({
      StackSetName: w.name,
      Description: 'halo-jira-port spoke: events to the hub bus, read-only resync role (docs/organization.md)',
      TemplateBody: w.templateBody,
      Parameters: asParameters(w.parameters),
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: AUTO,
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      ManagedExecution: { Active: true },
      CallAs: w.callAs,
    }),
  );
}

/** Updates the template and parameters of every instance; returns the operation to follow. */
export async function updateStackSet(c: OrgClients, w: StackSetWrite): Promise<string> {
  const { OperationId = '' } = await c.cloudformation.send(
    new UpdateStackSetCommand({
      StackSetName: w.name,
      TemplateBody: w.templateBody,
      Parameters: asParameters(w.parameters),
      AutoDeployment: AUTO,
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: w.callAs,
    }),
  );
  return OperationId;
}

export async function createInstances(
  c: OrgClients,
  name: string,
  callAs: CallAs,
  t: { ous: string[]; regions: string[]; accounts: string[]; excludeAccounts: string[] },
): Promise<string> {
  const filter =
    t.accounts.length > 0
      ? { Accounts: t.accounts, AccountFilterType: 'INTERSECTION' as const }
      : t.excludeAccounts.length > 0
        ? { Accounts: t.excludeAccounts, AccountFilterType: 'DIFFERENCE' as const }
        : {};
  const { OperationId = '' } = await c.cloudformation.send(
    new CreateStackInstancesCommand({
      StackSetName: name,
      DeploymentTargets: { OrganizationalUnitIds: t.ous, ...filter },
      Regions: t.regions,
      OperationPreferences: { RegionConcurrencyType: 'PARALLEL', MaxConcurrentPercentage: 100, FailureTolerancePercentage: 10 },
      CallAs: callAs,
    }),
  );
  return OperationId;
}

export interface OperationOutcome {
  status: string;
  /** Per account/region results that did not succeed. */
  failures: Array<{ account: string; region: string; status: string; reason: string }>;
}

/** Polls DescribeStackSetOperation until it ends, reporting each status change; then its per-target results. */
export async function waitForOperation(
  c: OrgClients,
  name: string,
  operationId: string,
  callAs: CallAs,
  opts: { progress: (line: string) => void; sleep: (ms: number) => Promise<void>; pollMs: number; timeoutMs: number; now?: () => number },
): Promise<OperationOutcome> {
  const now = opts.now ?? Date.now;
  const end = now() + opts.timeoutMs;
  let last = '';
  let status = 'RUNNING';
  for (;;) {
    const { StackSetOperation: op } = await c.cloudformation.send(new DescribeStackSetOperationCommand({ StackSetName: name, OperationId: operationId, CallAs: callAs }));
    status = op?.Status ?? 'UNKNOWN';
    if (status !== last) opts.progress(`      operation ${operationId}: ${status}${op?.StatusReason ? ` (${op.StatusReason})` : ''}`);
    last = status;
    if (!['RUNNING', 'QUEUED', 'STOPPING'].includes(status)) break;
    if (now() > end) {
      opts.progress(`      still ${status} after ${Math.round(opts.timeoutMs / 1000)} s: follow it with the describe-stack-set-operation command below`);
      return { status, failures: [] };
    }
    await opts.sleep(opts.pollMs);
  }
  const failures: OperationOutcome['failures'] = [];
  let NextToken: string | undefined;
  do {
    const page = await c.cloudformation.send(new ListStackSetOperationResultsCommand({ StackSetName: name, OperationId: operationId, CallAs: callAs, NextToken }));
    for (const r of page.Summaries ?? []) {
      if (r.Status !== 'SUCCEEDED') failures.push({ account: r.Account ?? '', region: r.Region ?? '', status: r.Status ?? '', reason: r.StatusReason ?? '' });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return { status, failures };
}
