import { checkRequest, equivalentCommands, planOrgInstall, type OrgInstallRequest, type OrgState } from '../../../ops/org/plan';

const HUB = '111111111111';
const MEMBER = '222222222222';
const TEMPLATE = 'AWSTemplateFormatVersion: 2010-09-09\n';
const req: OrgInstallRequest = {
  stage: 'prod',
  hubRegion: 'eu-west-1',
  regions: ['eu-west-1', 'us-east-1'],
  ous: ['ou-ab12-34cd56ef'],
  accounts: [],
  stackSetName: 'halo-jira-port-prod-spoke',
  resyncRoleName: 'halo-jira-port-resync',
  hubResyncRoleArn: `arn:aws:iam::${HUB}:role/resync`,
  deployHub: false,
};
const fresh: OrgState = { callerAccount: HUB, orgId: 'o-a1b2c3d4e5', managementAccount: HUB, trustedAccess: true, delegatedAdmins: [], instances: [] };
const deployed = (plan: ReturnType<typeof planOrgInstall>, regions = req.regions): OrgState => ({
  ...fresh,
  stackSet: { templateBody: TEMPLATE, parameters: { ...plan.parameters, ExternalId: '****' }, autoDeployment: true },
  instances: regions.map((region) => ({ ou: req.ous[0], account: MEMBER, region, status: 'CURRENT' })),
});

describe('org:install plan', () => {
  it('first run from the management account: create the StackSet and every OU × region, nothing blocking', () => {
    const plan = planOrgInstall(req, fresh, TEMPLATE, true);
    expect(plan).toEqual(
      expect.objectContaining({ callAs: 'SELF', blockers: [], stackSet: 'create', newInstances: { ous: req.ous, regions: req.regions }, excludeAccounts: [] }),
    );
    expect(plan.hubBusArn).toBe(`arn:aws:events:eu-west-1:${HUB}:event-bus/halo-jira-port-prod-org`);
    expect(plan.parameters).toEqual({
      HubEventBusArn: plan.hubBusArn,
      OrgId: 'o-a1b2c3d4e5',
      ExternalId: '<ORG_EXTERNAL_ID>',
      HubResyncRoleArn: req.hubResyncRoleArn,
      ResyncRoleName: 'halo-jira-port-resync',
      GlobalResourcesRegion: 'eu-west-1',
    });
  });

  it('a re-run with everything in place changes nothing', () => {
    const first = planOrgInstall(req, fresh, TEMPLATE, true);
    const again = planOrgInstall(req, deployed(first), TEMPLATE, true);
    expect(again.stackSet).toBe('unchanged');
    expect(again.newInstances).toBeUndefined();
  });

  it('a new template or parameter updates the StackSet; a new region adds only that region', () => {
    const first = planOrgInstall(req, fresh, TEMPLATE, true);
    expect(planOrgInstall(req, deployed(first), `${TEMPLATE}# changed\n`, true).stackSet).toBe('update');
    expect(planOrgInstall({ ...req, hubResyncRoleArn: '' }, deployed(first), TEMPLATE, true).stackSet).toBe('update');
    const wider = planOrgInstall({ ...req, regions: [...req.regions, 'ap-southeast-2'] }, deployed(first), TEMPLATE, true);
    expect(wider.newInstances).toEqual({ ous: req.ous, regions: ['ap-southeast-2'] });
  });

  it('blocks on trusted access off, a caller that is not an administrator, or no external id', () => {
    expect(planOrgInstall(req, { ...fresh, trustedAccess: false }, TEMPLATE, true).blockers).toEqual([expect.stringContaining('aws cloudformation activate-organizations-access')]);
    const stranger = planOrgInstall(req, { ...fresh, callerAccount: MEMBER }, TEMPLATE, true);
    expect(stranger.blockers).toEqual([expect.stringContaining(`register-delegated-administrator --account-id ${MEMBER}`)]);
    expect(planOrgInstall(req, fresh, TEMPLATE, false).blockers).toEqual([expect.stringContaining('ORG_EXTERNAL_ID')]);
  });

  it('a delegated administrator calls as DELEGATED_ADMIN and keeps its own (hub) account out of the spokes', () => {
    const plan = planOrgInstall(req, { ...fresh, callerAccount: MEMBER, delegatedAdmins: [MEMBER], trustedAccess: undefined }, TEMPLATE, true);
    expect(plan).toEqual(expect.objectContaining({ callAs: 'DELEGATED_ADMIN', blockers: [], excludeAccounts: [MEMBER] }));
    const commands = equivalentCommands(req, plan, fresh);
    expect(commands.filter((c) => c.startsWith('aws cloudformation') && !c.includes('activate-organizations-access')).every((c) => c.includes('--call-as DELEGATED_ADMIN'))).toBe(true);
    expect(commands.join('\n')).toContain(`Accounts=${MEMBER},AccountFilterType=DIFFERENCE`);
  });

  it('prints the pipeline commands with the external id as a variable, never its value', () => {
    const plan = planOrgInstall(req, fresh, TEMPLATE, true);
    const commands = equivalentCommands(req, plan, fresh).join('\n');
    expect(commands).toContain('create-stack-set --stack-set-name halo-jira-port-prod-spoke --template-body file://resources/spoke/spoke.yml --permission-model SERVICE_MANAGED');
    expect(commands).toContain('--auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false');
    expect(commands).toContain('ParameterKey=ExternalId,ParameterValue="$ORG_EXTERNAL_ID"');
    expect(commands).toContain('create-stack-instances --stack-set-name halo-jira-port-prod-spoke --deployment-targets OrganizationalUnitIds=ou-ab12-34cd56ef --regions eu-west-1 us-east-1');
    expect(commands).toContain('ORG_ID=o-a1b2c3d4e5 npx sls deploy --stage prod --region eu-west-1');
  });

  it('refuses options it cannot act on before asking AWS anything', () => {
    expect(checkRequest({ ...req, regions: [], ous: ['ou-x'], accounts: ['12'], stackSetName: '1bad' })).toEqual([
      expect.stringContaining('--regions'),
      expect.stringContaining('--ous: not an OU or root id: ou-x'),
      expect.stringContaining('--accounts: not an account id: 12'),
      expect.stringContaining('--stack-set-name'),
    ]);
    expect(checkRequest({ ...req, ous: [] })).toEqual([expect.stringContaining('service-managed StackSets deploy to organisational units')]);
    expect(checkRequest(req)).toEqual([]);
  });
});
