/**
 * `npm run org:install`, the decisions: from what the options ask and what AWS holds now, the steps
 * to take and the equivalent `aws …` commands. Pure: no AWS call here (ops/org/aws.ts does the I/O).
 */
export const STACKSETS_PRINCIPAL = 'member.org.stacksets.cloudformation.amazonaws.com';

export interface OrgInstallRequest {
  stage: string;
  hubRegion: string;
  regions: string[];
  ous: string[];
  /** Limit the deployment to these accounts of the OUs (AccountFilterType INTERSECTION). */
  accounts: string[];
  stackSetName: string;
  resyncRoleName: string;
  hubResyncRoleArn: string;
  /** `sls deploy` of the hub with ORG_ID (else the command is printed). */
  deployHub: boolean;
}

/** What the account running the installer sees. */
export interface OrgState {
  callerAccount: string;
  orgId: string;
  managementAccount: string;
  /** Trusted access for StackSets (only readable from the management account; undefined otherwise). */
  trustedAccess?: boolean;
  delegatedAdmins: string[];
  /** `autoDeployment` undefined: the answer did not say (moto does not implement it); not a reason to update. */
  stackSet?: { templateBody: string; parameters: Record<string, string>; autoDeployment?: boolean };
  /** Existing instances: OU (service-managed; absent in moto's answers) or account, and region. */
  instances: Array<{ ou?: string; account: string; region: string; status: string }>;
}

export type CallAs = 'SELF' | 'DELEGATED_ADMIN';

export interface OrgPlan {
  callAs: CallAs;
  /** Problems that stop the install before any write, each with what to do. */
  blockers: string[];
  hubBusArn: string;
  parameters: Record<string, string>;
  stackSet: 'create' | 'update' | 'unchanged';
  /** Instances to add: these OUs × these regions. */
  newInstances: { ous: string[]; regions: string[] } | undefined;
  /** The hub account when it is a member of the target OUs: no spoke in the hub (its own rule covers it). */
  excludeAccounts: string[];
}

const OU = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** Option mistakes, before anything is asked of AWS. */
export function checkRequest(r: OrgInstallRequest): string[] {
  const problems: string[] = [];
  if (r.regions.length === 0) problems.push('--regions: name at least one region, e.g. --regions eu-west-1,us-east-1');
  for (const region of [...r.regions, r.hubRegion]) if (!REGION.test(region)) problems.push(`not a region: ${region}`);
  if (r.ous.length === 0) problems.push('--ous: service-managed StackSets deploy to organisational units: --ous ou-abcd-12345678 (or the root r-abcd)');
  for (const ou of r.ous) if (!OU.test(ou)) problems.push(`--ous: not an OU or root id: ${ou}`);
  for (const a of r.accounts) if (!ACCOUNT.test(a)) problems.push(`--accounts: not an account id: ${a}`);
  if (!/^[a-zA-Z][-a-zA-Z0-9]{0,127}$/.test(r.stackSetName)) problems.push(`--stack-set-name: letters, digits and - only, starting with a letter: ${r.stackSetName}`);
  return problems;
}

const hubBusArnOf = (stage: string, region: string, account: string): string => `arn:aws:events:${region}:${account}:event-bus/halo-jira-port-${stage}-org`;

export function planOrgInstall(req: OrgInstallRequest, state: OrgState, spokeTemplate: string, externalIdSet: boolean): OrgPlan {
  const blockers: string[] = [];
  const isManagement = state.callerAccount === state.managementAccount;
  const isDelegated = state.delegatedAdmins.includes(state.callerAccount);
  const callAs: CallAs = isManagement ? 'SELF' : 'DELEGATED_ADMIN';
  if (!isManagement && !isDelegated) {
    blockers.push(
      `account ${state.callerAccount} is neither the management account (${state.managementAccount}) nor a delegated administrator for StackSets: ` +
        `run from the management account, or register this one there: aws organizations register-delegated-administrator --account-id ${state.callerAccount} --service-principal ${STACKSETS_PRINCIPAL}`,
    );
  }
  if (isManagement && state.trustedAccess === false) {
    blockers.push('trusted access between CloudFormation StackSets and Organizations is off: aws cloudformation activate-organizations-access (management account)');
  }
  if (!externalIdSet) blockers.push('ORG_EXTERNAL_ID is not set: the external id the hub passes when it assumes the spoke resync role (any 2–1224 characters; keep it secret)');

  const hubBusArn = hubBusArnOf(req.stage, req.hubRegion, state.callerAccount);
  const parameters: Record<string, string> = {
    HubEventBusArn: hubBusArn,
    OrgId: state.orgId,
    ExternalId: '<ORG_EXTERNAL_ID>',
    HubResyncRoleArn: req.hubResyncRoleArn,
    ResyncRoleName: req.resyncRoleName,
    GlobalResourcesRegion: req.regions[0] ?? req.hubRegion,
  };

  let stackSet: OrgPlan['stackSet'] = 'create';
  if (state.stackSet) {
    const same =
      state.stackSet.templateBody === spokeTemplate &&
      state.stackSet.autoDeployment !== false &&
      Object.entries(parameters).every(([k, v]) => k === 'ExternalId' || state.stackSet!.parameters[k] === v);
    stackSet = same ? 'unchanged' : 'update';
  }

  // Service-managed instances are per OU × region: add the pairs not there yet (re-runs add nothing).
  // An instance listed without its OU (moto) counts for every requested OU of its region.
  const have = new Set(state.instances.flatMap((i) => (i.ou ? [`${i.ou}|${i.region}`] : req.ous.map((ou) => `${ou}|${i.region}`))));
  const missingOus = req.ous.filter((ou) => req.regions.some((r) => !have.has(`${ou}|${r}`)));
  const missingRegions = req.regions.filter((r) => req.ous.some((ou) => !have.has(`${ou}|${r}`)));
  const newInstances = missingOus.length > 0 ? { ous: missingOus, regions: missingRegions } : undefined;

  return { callAs, blockers, hubBusArn, parameters, stackSet, newInstances, excludeAccounts: isManagement ? [] : [state.callerAccount] };
}

const q = (s: string): string => (/^[A-Za-z0-9_./:,=@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The `aws …` (and `sls`) commands a pipeline would run for the same plan; the external id stays a variable. */
export function equivalentCommands(req: OrgInstallRequest, plan: OrgPlan, state: Pick<OrgState, 'orgId'>): string[] {
  const callAs = plan.callAs === 'DELEGATED_ADMIN' ? ' --call-as DELEGATED_ADMIN' : '';
  const params = Object.entries(plan.parameters)
    .map(([k, v]) => (k === 'ExternalId' ? `ParameterKey=ExternalId,ParameterValue="$ORG_EXTERNAL_ID"` : `ParameterKey=${k},ParameterValue=${q(v)}`))
    .join(' ');
  const targets = [`OrganizationalUnitIds=${req.ous.join(',')}`];
  if (req.accounts.length > 0) targets.push(`Accounts=${req.accounts.join(',')}`, 'AccountFilterType=INTERSECTION');
  else if (plan.excludeAccounts.length > 0) targets.push(`Accounts=${plan.excludeAccounts.join(',')}`, 'AccountFilterType=DIFFERENCE');
  const set = `--stack-set-name ${q(req.stackSetName)}`;
  return [
    `aws cloudformation activate-organizations-access   # once, from the management account`,
    `ORG_ID=${state.orgId} npx sls deploy --stage ${q(req.stage)} --region ${req.hubRegion}   # the hub: organisation bus + rule`,
    `aws cloudformation ${plan.stackSet === 'update' ? 'update' : 'create'}-stack-set ${set} --template-body file://resources/spoke/spoke.yml ` +
      `--permission-model SERVICE_MANAGED --auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false --capabilities CAPABILITY_NAMED_IAM ` +
      `--managed-execution Active=true --parameters ${params}${callAs}`,
    `aws cloudformation create-stack-instances ${set} --deployment-targets ${targets.join(',')} --regions ${req.regions.join(' ')} ` +
      `--operation-preferences RegionConcurrencyType=PARALLEL,MaxConcurrentPercentage=100,FailureTolerancePercentage=10${callAs}`,
    `aws cloudformation describe-stack-set-operation ${set} --operation-id <OperationId>${callAs}`,
    `aws cloudformation list-stack-instances ${set}${callAs}   # per account/region status`,
  ];
}
