import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sls } from '../portForwarder/sls';

/**
 * The hub as `sls package` renders it with ORG_ID and FUNCTIONS=portForwarder (a hub that only
 * forwards): cfn-lint clean; the organisation bus and its rule; both rules allowed on the queues;
 * nothing of jiraSync. No AWS credentials needed.
 */
jest.setTimeout(240_000);
type Template = { Resources: Record<string, { Type: string; Properties: Record<string, any> }>; Outputs: Record<string, unknown> };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sls-package-hub-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('sls package: forwarding hub of an organisation', () => {
  let file: string;
  let t: Template;
  let output: string;

  beforeAll(async () => {
    const out = path.join(work, 'hub');
    const run = await sls(['package', '--stage', 'dev', '--package', out], {
      ORG_ID: 'o-a1b2c3d4e5',
      FUNCTIONS: 'portForwarder',
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_PROFILE: undefined,
      AWS_ENDPOINT_URL: undefined,
      HOME: work,
    });
    if (run.code !== 0) throw new Error(`sls package failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
    output = run.stdout + run.stderr;
    file = path.join(out, 'cloudformation-template-update-stack.json');
    t = JSON.parse(fs.readFileSync(file, 'utf8'));
  });

  it('passes cfn-lint with no errors', () => {
    const lint = spawnSync('cfn-lint', [file], { encoding: 'utf8' });
    if (lint.error) throw new Error(`cfn-lint is not installed: run \`npm run setup\` (${lint.error.message})`);
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });

  it('deploys no jiraSync: no function, role, table, log group or schedule, and says so', () => {
    expect(Object.keys(t.Resources).filter((id) => /JiraSync|SyncStateTable/.test(id))).toEqual([]);
    expect(Object.keys(t.Resources)).toEqual(expect.arrayContaining(['PortForwarderLambdaFunction', 'PortForwarderLogGroup', 'PortForwarderRole', 'EventsQueue']));
    expect(output).toMatch(/functions: deploying portForwarder; left out jiraSync/);
  });

  it('has the organisation bus (PutEvents only inside the organisation) and its rule to the events queue', () => {
    const bus = t.Resources.OrgEventBus!;
    expect(bus.Type).toBe('AWS::Events::EventBus');
    expect(bus.Properties.Name).toBe('halo-jira-port-dev-org');
    expect(bus.Properties.Policy.Statement).toEqual([
      expect.objectContaining({ Principal: '*', Action: 'events:PutEvents', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }),
    ]);
    const rule = t.Resources.OrgEventsRule!.Properties;
    expect(rule.EventPattern).toEqual(t.Resources.EventsRule!.Properties.EventPattern);
    expect(rule.Targets[0].Arn).toEqual({ 'Fn::GetAtt': ['EventsQueue', 'Arn'] });
    for (const policy of ['EventsQueuePolicy', 'DeadLetterQueuePolicy']) {
      expect(t.Resources[policy]!.Properties.PolicyDocument.Statement[0].Condition.ArnEquals['aws:SourceArn']).toEqual([
        { 'Fn::GetAtt': ['EventsRule', 'Arn'] },
        { 'Fn::GetAtt': ['OrgEventsRule', 'Arn'] },
      ]);
    }
    expect(t.Outputs).toHaveProperty('OrgEventBusArn');
  });
});
