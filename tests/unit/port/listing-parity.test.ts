import fs from 'node:fs';
import path from 'node:path';
import { buildWebhookMappings, loadBlueprints, loadTemplates } from '../../../port/mappings/build';
import { KEY_PROPERTIES, SOURCE_BLUEPRINTS, scopeOf, type PortEntity } from '../../../port/mappings/definitions';
import { evaluateWebhook } from '../../../port/mappings/evaluate';
import { ec2Instance } from '../../../port/mappings/listing/aws.ec2';
import { ecsCluster, ecsService, ecsTask } from '../../../port/mappings/listing/aws.ecs';
import { eksCluster } from '../../../port/mappings/listing/aws.eks';
import { lambdaFunction } from '../../../port/mappings/listing/aws.lambda';
import { rdsDbInstance } from '../../../port/mappings/listing/aws.rds';
import { s3Bucket } from '../../../port/mappings/listing/aws.s3';
import { sqsQueue } from '../../../port/mappings/listing/aws.sqs';
import { asWireBody } from '../../../port/preview';

/**
 * One definition per source: the entity an event maps to (jq, as Port runs it) and the entity the
 * resync builds from the AWS listing of the same resource have the same blueprint, identifier,
 * title, account relation and key properties, and agree on every property both carry.
 */
const SAMPLES = path.resolve(__dirname, '../../../port/samples');
const ACC = '123456789012';
const R = 'us-east-1';
const scope = scopeOf(ACC, R);
const read = (name: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(SAMPLES, `${name}.json`), 'utf8')) as Record<string, unknown>;

async function fromEvent(event: unknown, blueprint: string): Promise<PortEntity> {
  const { changes, failures } = await evaluateWebhook(buildWebhookMappings(), { body: asWireBody(event) });
  expect(failures).toEqual([]);
  const mine = changes.filter((c) => c.blueprint === blueprint && c.operation === 'create');
  expect(mine.length).toBeGreaterThan(0);
  const first = mine[0]?.entity;
  const merged: PortEntity = { blueprint, identifier: first?.identifier ?? '', title: first?.title ?? '', properties: {}, relations: {} };
  for (const c of mine) {
    Object.assign(merged.properties, c.entity.properties);
    Object.assign(merged.relations, c.entity.relations as Record<string, string>);
  }
  return merged;
}

const CASES: Array<[string, string, () => PortEntity]> = [
  ['aws.ec2/running', 'ec2Instance', () => ec2Instance({ InstanceId: 'i-0abcd1234ef567890', State: { Name: 'running' } }, scope)],
  ['aws.s3/create-bucket', 's3Bucket', () => s3Bucket({ Name: 'acme-audit-logs', CreationDate: new Date('2026-11-20T10:15:30Z') }, { region: 'eu-west-1', tags: [] }, scopeOf(ACC, 'eu-west-1'))],
  ['aws.rds/create-db-instance', 'rdsDbInstance', () =>
    rdsDbInstance({ DBInstanceArn: `arn:aws:rds:${R}:${ACC}:db:orders-db`, DBInstanceIdentifier: 'orders-db', Engine: 'postgres', EngineVersion: '16.4', DBInstanceClass: 'db.t4g.medium', AllocatedStorage: 100, MultiAZ: true, TagList: [] }, scope)],
  ['aws.rds/db-instance-event', 'rdsDbInstance', () => rdsDbInstance({ DBInstanceArn: `arn:aws:rds:${R}:${ACC}:db:orders-db`, DBInstanceIdentifier: 'orders-db' }, scope)],
  ['aws.sqs/create-queue', 'sqsQueue', () =>
    sqsQueue(`https://sqs.${R}.amazonaws.com/${ACC}/orders-events`, { QueueArn: `arn:aws:sqs:${R}:${ACC}:orders-events`, VisibilityTimeout: '60', MessageRetentionPeriod: '345600' }, { team: 'orders' }, scope)],
  ['aws.ecs/task-running', 'ecsCluster', () => ecsCluster({ clusterArn: `arn:aws:ecs:${R}:${ACC}:cluster/prod`, clusterName: 'prod' }, scope)],
  ['aws.ecs/service-action', 'ecsService', () => ecsService({ serviceArn: `arn:aws:ecs:${R}:${ACC}:service/prod/web`, serviceName: 'web' }, `arn:aws:ecs:${R}:${ACC}:cluster/prod`, scope)],
  ['aws.ecs/task-running', 'ecsTask', () =>
    ecsTask(
      {
        taskArn: `arn:aws:ecs:${R}:${ACC}:task/prod/0b69d5c0d0b34f7e9b0e7d8e3c1a2b3c`, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', launchType: 'FARGATE',
        taskDefinitionArn: `arn:aws:ecs:${R}:${ACC}:task-definition/web:7`, group: 'service:web', availabilityZone: 'us-east-1b', cpu: '256', memory: '512', createdAt: new Date('2026-11-20T10:10:00.000Z'),
      },
      `arn:aws:ecs:${R}:${ACC}:cluster/prod`, scope,
    )],
  ['aws.eks/create-cluster', 'eksCluster', () =>
    eksCluster({ name: 'platform', arn: `arn:aws:eks:${R}:${ACC}:cluster/platform`, version: '1.31', status: 'CREATING', roleArn: `arn:aws:iam::${ACC}:role/eks-cluster`, platformVersion: 'eks.8' }, scope)],
  ['aws.lambda/create-function', 'lambdaFunction', () =>
    lambdaFunction(
      { FunctionName: 'orders-handler', FunctionArn: `arn:aws:lambda:${R}:${ACC}:function:orders-handler`, Runtime: 'nodejs22.x', Handler: 'index.handler', MemorySize: 256, Timeout: 30, Role: `arn:aws:iam::${ACC}:role/orders-handler`, CodeSize: 1024, LastModified: '2026-11-20T10:15:30.000+0000' },
      { team: 'orders' }, scope,
    )],
];

describe('event mapping and resync listing agree (one definition per source)', () => {
  it.each(CASES)('%s → %s', async (sample, blueprint, listing) => {
    const event = await fromEvent(read(sample), blueprint);
    const listed = listing();
    expect(listed.blueprint).toBe(blueprint);
    expect(listed.identifier).toBe(event.identifier);
    expect(listed.title).toBe(event.title);
    expect(listed.relations).toEqual(event.relations);
    for (const key of KEY_PROPERTIES) {
      expect(listed.properties[key]).toBeDefined();
      expect(listed.properties[key]).toEqual(event.properties[key]);
    }
    for (const key of Object.keys(listed.properties).filter((k) => k in event.properties)) expect([key, listed.properties[key]]).toEqual([key, event.properties[key]]);
  });

  it('covers every blueprint a source fills, and SOURCE_BLUEPRINTS matches the templates', () => {
    const covered = new Set(CASES.map(([, bp]) => bp));
    for (const [source, bps] of Object.entries(SOURCE_BLUEPRINTS)) {
      const fromTemplates = new Set(loadTemplates(source).map((t) => t.blueprint));
      expect([...bps].sort()).toEqual([...fromTemplates].sort());
      for (const bp of bps) expect(covered).toContain(bp);
    }
  });

  it('listings only write properties the blueprint declares', () => {
    const declared = new Map(loadBlueprints().map((b) => [b.identifier, Object.keys(b.schema.properties)]));
    for (const [, bp, listing] of CASES) for (const key of Object.keys(listing().properties)) expect(declared.get(bp)).toContain(key);
  });

  it('takes the partition from the event (GovCloud), never a hard-coded aws', async () => {
    const gov = JSON.parse(JSON.stringify(read('aws.lambda/create-function')).replaceAll('us-east-1', 'us-gov-west-1').replaceAll('arn:aws:', 'arn:aws-us-gov:')) as Record<string, unknown>;
    (gov.detail as { responseElements: Record<string, unknown> }).responseElements = { ...(gov.detail as { responseElements: Record<string, unknown> }).responseElements, functionArn: undefined };
    const event = await fromEvent(gov, 'lambdaFunction');
    expect(event.identifier).toBe(`arn:aws-us-gov:lambda:us-gov-west-1:${ACC}:function:orders-handler`);
    const listed = lambdaFunction({ FunctionName: 'orders-handler' }, {}, scopeOf(ACC, 'us-gov-west-1'));
    expect(listed.identifier).toBe(event.identifier);
  });
});
