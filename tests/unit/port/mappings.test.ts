import fs from 'node:fs';
import path from 'node:path';
import { buildWebhookMappings, loadBlueprints, loadSources, loadTemplates } from '../../../port/mappings/build';
import { evaluateWebhook, type EntityChange } from '../../../port/mappings/evaluate';
import { asWireBody } from '../../../port/preview';

/**
 * Mapping proof: every generated mapping runs against every sample with real jq (jq-wasm), and each
 * sample yields exactly the entity writes/deletions listed here — nothing for failed calls.
 */
const SAMPLES = path.resolve(__dirname, '../../../port/samples');
const ACC = '123456789012';
const R = 'us-east-1';

type Expected = { bp: string; delete?: true; id: string; title?: string; props?: Record<string, unknown>; rels?: Record<string, unknown> };
const account: Expected = { bp: 'awsAccount', id: ACC, title: ACC, props: {}, rels: {} };
const ec2 = (state: string, id = 'i-0abcd1234ef567890'): Expected => ({
  bp: 'ec2Instance', id, title: id,
  props: { state, arn: `arn:aws:ec2:${R}:${ACC}:instance/${id}`, region: R, stateChangedAt: '2026-11-20T10:15:30Z' }, rels: { account: ACC },
});
const bucket = (props: Record<string, unknown>): Expected => ({ bp: 's3Bucket', id: 'acme-audit-logs', title: 'acme-audit-logs', props: { arn: 'arn:aws:s3:::acme-audit-logs', ...props }, rels: { account: ACC } });
const DB_ARN = `arn:aws:rds:${R}:${ACC}:db:orders-db`;
const db = (props: Record<string, unknown>): Expected => ({ bp: 'rdsDbInstance', id: DB_ARN, title: 'orders-db', props: { arn: DB_ARN, region: R, ...props }, rels: { account: ACC } });
const QUEUE = { url: `https://sqs.${R}.amazonaws.com/${ACC}/orders-events`, arn: `arn:aws:sqs:${R}:${ACC}:orders-events` };
const queue = (props: Record<string, unknown>): Expected => ({ bp: 'sqsQueue', id: QUEUE.arn, title: 'orders-events', props: { ...QUEUE, region: R, fifo: false, ...props }, rels: { account: ACC } });
const CLUSTER = `arn:aws:ecs:${R}:${ACC}:cluster/prod`;
const cluster: Expected = { bp: 'ecsCluster', id: CLUSTER, title: 'prod', props: { arn: CLUSTER, region: R }, rels: { account: ACC } };
const TASK = `arn:aws:ecs:${R}:${ACC}:task/prod/0b69d5c0d0b34f7e9b0e7d8e3c1a2b3c`;
const SERVICE = `arn:aws:ecs:${R}:${ACC}:service/prod/web`;
const FN = `arn:aws:lambda:${R}:${ACC}:function:orders-handler`;
const fnBase = { arn: FN, region: R, runtime: 'nodejs22.x', handler: 'index.handler', timeout: 30, role: `arn:aws:iam::${ACC}:role/orders-handler`, codeSize: 1024 };
const EKS = `arn:aws:eks:${R}:${ACC}:cluster/platform`;

const EXPECTED: Record<string, Expected[]> = {
  'aws.ec2/running': [account, ec2('running')],
  'aws.ec2/stopped': [account, ec2('stopped')],
  'aws.ec2/terminated-delete': [account, { bp: 'ec2Instance', delete: true, id: 'i-0abcd1234ef567890' }],
  'aws.s3/create-bucket': [account, bucket({ region: 'eu-west-1', creationDate: '2026-11-20T10:15:30Z', lastChange: 'CreateBucket' })],
  'aws.s3/put-bucket-tagging': [account, bucket({ region: R, tags: { team: 'security', env: 'prod' }, lastChange: 'PutBucketTagging' })],
  'aws.s3/delete-bucket': [account, { bp: 's3Bucket', delete: true, id: 'acme-audit-logs' }],
  'aws.s3/create-bucket-failed': [],
  'aws.rds/db-instance-event': [account, db({ lastEventId: 'RDS-EVENT-0002', lastEventMessage: 'Finished DB Instance backup' })],
  'aws.rds/db-instance-deleted-event': [account, { bp: 'rdsDbInstance', delete: true, id: DB_ARN }],
  // CreateDBInstance carries the whole tag set (none here); AddTagsToResource is a partial view, left to the resync.
  'aws.rds/create-db-instance': [account, db({ engine: 'postgres', engineVersion: '16.4', instanceClass: 'db.t4g.medium', allocatedStorage: 100, multiAz: true, tags: {}, lastChange: 'CreateDBInstance' })],
  'aws.rds/add-tags': [account, db({ lastChange: 'AddTagsToResource' })],
  'aws.rds/delete-db-instance': [account, { bp: 'rdsDbInstance', delete: true, id: DB_ARN }],
  'aws.rds/modify-db-instance-failed': [],
  'aws.sqs/create-queue': [account, queue({ attributes: { VisibilityTimeout: '60', MessageRetentionPeriod: '345600' }, tags: { team: 'orders' }, lastChange: 'CreateQueue' })],
  'aws.sqs/set-queue-attributes': [account, queue({ lastChange: 'SetQueueAttributes' })],
  'aws.sqs/tag-queue': [account, queue({ lastChange: 'TagQueue' })],
  'aws.sqs/delete-queue': [account, { bp: 'sqsQueue', delete: true, id: QUEUE.arn }],
  'aws.sqs/delete-queue-failed': [],
  'aws.ecs/task-running': [account, cluster, { bp: 'ecsTask', id: TASK, title: '0b69d5c0d0b34f7e9b0e7d8e3c1a2b3c', props: { arn: TASK, region: R, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', launchType: 'FARGATE', taskDefinitionArn: `arn:aws:ecs:${R}:${ACC}:task-definition/web:7`, group: 'service:web', availabilityZone: 'us-east-1b', cpu: '256', memory: '512', createdAt: '2026-11-20T10:10:00.000Z' }, rels: { account: ACC, cluster: CLUSTER } }],
  'aws.ecs/task-stopped-delete': [account, cluster, { bp: 'ecsTask', delete: true, id: TASK }],
  'aws.ecs/service-action': [account, cluster, { bp: 'ecsService', id: SERVICE, title: 'web', props: { arn: SERVICE, region: R, lastEventName: 'SERVICE_STEADY_STATE', lastEventType: 'INFO', updatedAt: '2026-11-20T10:15:00.000Z' }, rels: { account: ACC, cluster: CLUSTER } }],
  'aws.ecs/deployment-state-change': [account, cluster, { bp: 'ecsService', id: SERVICE, title: 'web', props: { arn: SERVICE, region: R, lastEventName: 'SERVICE_DEPLOYMENT_COMPLETED', lastEventType: 'INFO', deploymentId: 'ecs-svc/1234567891234567890', reason: 'ECS deployment ecs-svc/1234567891234567890 completed.', updatedAt: '2026-11-20T10:20:00.000Z' }, rels: { account: ACC, cluster: CLUSTER } }],
  'aws.ecs/container-instance-state-change': [account, cluster],
  'aws.eks/create-cluster': [account, { bp: 'eksCluster', id: EKS, title: 'platform', props: { arn: EKS, region: R, version: '1.31', status: 'CREATING', roleArn: `arn:aws:iam::${ACC}:role/eks-cluster`, platformVersion: 'eks.8' }, rels: { account: ACC } }],
  'aws.eks/delete-cluster': [account, { bp: 'eksCluster', delete: true, id: EKS }],
  'aws.eks/create-cluster-failed': [],
  'aws.lambda/create-function': [account, { bp: 'lambdaFunction', id: FN, title: 'orders-handler', props: { ...fnBase, memorySize: 256, lastModified: '2026-11-20T10:15:30.000+0000', tags: { team: 'orders' }, lastChange: 'CreateFunction20150331' }, rels: { account: ACC } }],
  'aws.lambda/update-function-configuration': [account, { bp: 'lambdaFunction', id: FN, title: 'orders-handler', props: { ...fnBase, memorySize: 512, lastModified: '2026-11-20T11:00:00.000+0000', lastChange: 'UpdateFunctionConfiguration20150331v2' }, rels: { account: ACC } }],
  'aws.lambda/tag-resource': [account, { bp: 'lambdaFunction', id: FN, title: 'orders-handler', props: { arn: FN, region: R, lastChange: 'TagResource20170331v2' }, rels: { account: ACC } }],
  'aws.lambda/delete-function': [account, { bp: 'lambdaFunction', delete: true, id: FN }],
  'aws.lambda/delete-function-failed': [],
  'entities/ec2-instance': [{ bp: 'ec2Instance', id: 'i-0feedfacecafe0001', title: 'bastion', props: { state: 'running', region: 'eu-west-1' }, rels: { account: ACC } }],
  'entities/ec2-instance-delete': [{ bp: 'ec2Instance', delete: true, id: 'i-0feedfacecafe0001' }],
  'entities/unknown-blueprint': [],
};

function sampleFiles(): string[] {
  return fs.readdirSync(SAMPLES).flatMap((dir) => fs.readdirSync(path.join(SAMPLES, dir)).filter((f) => f.endsWith('.json')).map((f) => `${dir}/${f.slice(0, -5)}`)).sort();
}

/** The writes of one item, folded per entity the way Port merges successive upserts of one entity. */
function actual(changes: EntityChange[]): Expected[] {
  const out: Expected[] = [];
  for (const c of changes) {
    if (c.operation === 'delete') {
      out.push({ bp: c.blueprint, delete: true, id: c.entity.identifier });
      continue;
    }
    const same = out.find((e) => !e.delete && e.bp === c.blueprint && e.id === c.entity.identifier);
    if (same) {
      expect(same.title).toBe(c.entity.title);
      Object.assign(same.props ?? {}, c.entity.properties);
      Object.assign(same.rels ?? {}, c.entity.relations);
    } else out.push({ bp: c.blueprint, id: c.entity.identifier, title: c.entity.title, props: { ...c.entity.properties }, rels: { ...c.entity.relations } });
  }
  return out;
}

describe('webhook mappings (generated from port/sources.json + port/mappings/sources)', () => {
  const mappings = buildWebhookMappings();

  it('has an expectation for every sample and a sample for every expectation', () => {
    expect(sampleFiles()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED))('%s maps to exactly the expected entities', async (name) => {
    const event = JSON.parse(fs.readFileSync(path.join(SAMPLES, `${name}.json`), 'utf8')) as unknown;
    const result = await evaluateWebhook(mappings, { body: asWireBody(event) });
    expect(result.failures).toEqual([]);
    // Never a null: what an event does not carry is not written at all.
    for (const c of result.changes) expect([...Object.values(c.entity.properties), ...Object.values(c.entity.relations)]).not.toContain(null);
    expect(actual(result.changes)).toEqual(EXPECTED[name]);
  });

  it('every source has samples with a delete and with a failed call (errorCode) where it uses CloudTrail', () => {
    const sources = loadSources();
    for (const [source, def] of Object.entries(sources)) {
      const names = Object.keys(EXPECTED).filter((n) => n.startsWith(`${source}/`));
      expect(names.length).toBeGreaterThanOrEqual(2);
      expect(names.some((n) => EXPECTED[n]?.some((e) => e.delete))).toBe(true);
      if (def.cloudTrail) expect(names.some((n) => EXPECTED[n]?.length === 0)).toBe(true);
    }
  });

  it('only uses properties and relations the blueprints declare', () => {
    const blueprints = new Map(loadBlueprints().map((b) => [b.identifier, b]));
    for (const m of mappings) {
      const bp = blueprints.get(m.blueprint);
      expect(bp).toBeDefined();
      for (const p of Object.keys(m.entity.properties ?? {})) expect(Object.keys(bp?.schema.properties ?? {})).toContain(p);
      for (const r of Object.keys(m.entity.relations ?? {})) expect(Object.keys(bp?.relations ?? {})).toContain(r);
    }
  });

  it('rejects an unknown event source', () => {
    const templates = loadTemplates('aws.s3');
    expect(templates.length).toBeGreaterThan(0);
    expect(() => buildWebhookMappings(['aws.nope'])).toThrow(/unknown event source/);
  });

  it('maps only the chosen sources (plus entity pass-through)', async () => {
    const ec2Only = buildWebhookMappings(['aws.ec2']);
    const s3 = JSON.parse(fs.readFileSync(path.join(SAMPLES, 'aws.s3/create-bucket.json'), 'utf8')) as unknown;
    const ec2 = JSON.parse(fs.readFileSync(path.join(SAMPLES, 'aws.ec2/running.json'), 'utf8')) as unknown;
    const result = await evaluateWebhook(ec2Only, { body: asWireBody([s3, ec2]) });
    expect([...new Set(result.changes.map((c) => `${c.item}:${c.blueprint}`))]).toEqual(['1:awsAccount', '1:ec2Instance']);
  });
});
