import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import YAML from 'yaml';
const { render, OUT, RESYNC_ACTIONS, idOf } = require('../../../resources/spoke/build.js');
const { buildEventPattern, loadDefinitions } = require('../../../resources/event-pattern.js');

/**
 * resources/spoke/spoke.yml read the way a StackSet uses it: one template, deployed unchanged into
 * every account and region, so nothing in it may name an account, a region or the hub.
 */
type Resource = { Type: string; Condition?: string; Properties: Record<string, any> };
type Template = { Parameters: Record<string, any>; Conditions: Record<string, unknown>; Resources: Record<string, Resource>; Outputs: Record<string, any> };

const text = fs.readFileSync(OUT, 'utf8');
const t: Template = YAML.parse(text);
const sources = Object.keys(loadDefinitions());

/** Every string in the template outside Parameters (whose AllowedPattern/Description may describe an ARN). */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => { strings(v, out); });
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => { strings(v, out); });
  return out;
}
function refs(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => { refs(v, out); });
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') out.add(v);
      else if (k === 'Fn::GetAtt') out.add((v as string[])[0]!);
      else refs(v, out);
    }
  }
  return out;
}

describe('spoke template (StackSet)', () => {
  it('is what resources/spoke/build.js generates from port/sources.json (run `npm run spoke:build`)', () => {
    expect(text).toBe(render());
  });

  it('has no account id, region, hub name or ARN literal: everything specific is a parameter or a pseudo parameter', () => {
    const { Parameters: _p, ...body } = t;
    const all = strings(body);
    expect(all.filter((s) => /\b\d{12}\b/.test(s))).toEqual([]);
    expect(all.filter((s) => /\b(us|eu|ap|sa|ca|me|af|il|mx|cn)-[a-z]+-\d\b/.test(s))).toEqual([]);
    expect(all.filter((s) => /^arn:/.test(s))).toEqual([]);
    expect(all.filter((s) => /-org\b|event-bus\//.test(s))).toEqual([]);
    // Parameter defaults must not carry any of those either.
    const defaults = Object.values(t.Parameters).map((p) => String(p.Default ?? ''));
    expect(defaults.filter((d) => /\d{12}|arn:|-[a-z]+-\d$/.test(d))).toEqual([]);
  });

  it('takes the hub bus ARN, the org id and the external id (never echoed) as required parameters', () => {
    for (const name of ['HubEventBusArn', 'OrgId', 'ExternalId', 'GlobalResourcesRegion']) expect(t.Parameters[name]).toBeDefined();
    for (const name of ['HubEventBusArn', 'OrgId', 'ExternalId']) expect(t.Parameters[name].Default).toBeUndefined();
    expect(t.Parameters.ExternalId.NoEcho).toBe(true);
    expect(new RegExp(t.Parameters.HubEventBusArn.AllowedPattern).test('arn:aws:events:eu-west-1:111122223333:event-bus/halo-jira-port-prod-org')).toBe(true);
    expect(new RegExp(t.Parameters.HubEventBusArn.AllowedPattern).test('arn:aws:sqs:eu-west-1:111122223333:q')).toBe(false);
  });

  it('refers only to its own parameters, resources and pseudo parameters', () => {
    const known = new Set([...Object.keys(t.Parameters), ...Object.keys(t.Resources)]);
    const unknown = [...refs(t.Resources), ...refs(t.Outputs)].filter((r) => !known.has(r) && !r.startsWith('AWS::'));
    expect(unknown).toEqual([]);
  });

  it.each(sources)('forwards %s from the default bus to the hub bus with the role and a DLQ, switchable by a parameter', (source) => {
    const rule = t.Resources[`Forward${idOf(source)}Rule`]!;
    expect(rule.Type).toBe('AWS::Events::Rule');
    expect(rule.Properties.EventBusName).toBe('default');
    expect(rule.Properties.EventPattern).toEqual(buildEventPattern(source, loadDefinitions()));
    expect(rule.Properties.Targets).toEqual([
      { Id: 'hub-bus', Arn: { Ref: 'HubEventBusArn' }, RoleArn: { 'Fn::GetAtt': ['ForwardToHubRole', 'Arn'] }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['ForwardDeadLetterQueue', 'Arn'] } } },
    ]);
    expect(t.Conditions[rule.Condition!]).toEqual({ 'Fn::Equals': [{ Ref: `Forward${idOf(source)}` }, 'true'] });
  });

  it('lets EventBridge (of this account) put events only on the hub bus of the organisation', () => {
    const role = t.Resources.ForwardToHubRole!.Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }),
    ]);
    expect(role.Policies.flatMap((p: any) => p.PolicyDocument.Statement)).toEqual([
      { Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: 'HubEventBusArn' }, Condition: { StringEquals: { 'aws:ResourceOrgID': { Ref: 'OrgId' } } } },
    ]);
  });

  it('accepts dead letters only from its own rules', () => {
    const policy = t.Resources.ForwardDeadLetterQueuePolicy!.Properties;
    const arns = policy.PolicyDocument.Statement[0].Condition.ArnEquals['aws:SourceArn'];
    expect(arns).toEqual(sources.map((s) => ({ 'Fn::If': [`${idOf(s)}Enabled`, { 'Fn::GetAtt': [`Forward${idOf(s)}Rule`, 'Arn'] }, { Ref: 'AWS::NoValue' }] })));
  });

  it('gives the hub resync role exactly the list/describe calls, trusted only with the external id', () => {
    const role = t.Resources.ResyncRole!;
    expect(role.Condition).toBe('CreateResyncRole');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: { Ref: 'HubResyncRoleArn' } },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' }, 'aws:PrincipalOrgID': { Ref: 'OrgId' } } },
      },
    ]);
    const statements = role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    expect(statements).toEqual([{ Effect: 'Allow', Action: RESYNC_ACTIONS, Resource: '*' }]);
    expect(RESYNC_ACTIONS.every((a: string) => /^[a-z0-9]+:(List|Describe|Get)[A-Za-z]+$/.test(a))).toBe(true);
  });

  it('passes cfn-lint', () => {
    const lint = spawnSync('cfn-lint', [OUT], { encoding: 'utf8' });
    if (lint.error) throw new Error(`cfn-lint is not installed: run \`npm run setup\` (${lint.error.message})`);
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });
});
