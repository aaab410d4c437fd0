import { EC2Client, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateClusterCommand as CreateEcsClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateClusterCommand as CreateEksClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateBucketCommand, PutBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AwsTarget } from './target';

/**
 * Seeds an AWS account (moto: `aws` is its endpoint, never the ambient profile) with resources of
 * the seven kinds the resync lists, with the AWS SDK as a user would. Names carry `prefix` so a
 * test can add more.
 */
export interface InventoryCounts {
  ec2?: number;
  s3?: number;
  rds?: number;
  sqs?: number;
  /** Clusters; each gets one service (moto 5 cannot run Fargate tasks: RunTask answers 500). */
  ecs?: number;
  eks?: number;
  lambda?: number;
}

export interface Seeded {
  ec2: string[];
  s3: string[];
  rds: string[];
  sqs: string[];
  ecsClusters: string[];
  eks: string[];
  lambda: string[];
}

function inventoryClients(aws: AwsTarget) {
  const o = aws.client;
  return { ec2: new EC2Client(o), s3: new S3Client(o), rds: new RDSClient(o), sqs: new SQSClient(o), ecs: new ECSClient(o), eks: new EKSClient(o), lambda: new LambdaClient(o), iam: new IAMClient(o) };
}

// An empty zip archive: moto stores the code, nothing runs it.
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);

async function lambdaRole(iam: IAMClient): Promise<string> {
  const RoleName = 'resync-seed-lambda';
  const existing = await iam.send(new GetRoleCommand({ RoleName })).catch(() => undefined);
  if (existing?.Role?.Arn) return existing.Role.Arn;
  const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const out = await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: doc }));
  return out.Role?.Arn as string;
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

const range = (n: number | undefined): number[] => Array.from({ length: n ?? 0 }, (_, i) => i);

export async function seedInventory(aws: AwsTarget, counts: InventoryCounts, prefix = 'seed'): Promise<Seeded> {
  const { region } = aws;
  const c = inventoryClients(aws);
  const seeded: Seeded = { ec2: [], s3: [], rds: [], sqs: [], ecsClusters: [], eks: [], lambda: [] };
  for (let left = counts.ec2 ?? 0; left > 0; left -= 500) {
    const n = Math.min(500, left);
    const out = await c.ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', InstanceType: 't3.micro', MinCount: n, MaxCount: n, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'seed', Value: prefix }] }] }));
    seeded.ec2.push(...(out.Instances ?? []).map((i) => i.InstanceId as string));
  }
  await inBatches(range(counts.s3), 20, async (i) => {
    const Bucket = `${prefix}-bucket-${i}`;
    await c.s3.send(new CreateBucketCommand({ Bucket, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as never } }) }));
    await c.s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: 'team', Value: 'platform' }] } }));
    seeded.s3.push(Bucket);
  });
  await inBatches(range(counts.rds), 10, async (i) => {
    const id = `${prefix}-db-${i}`;
    await c.rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: id, Engine: 'postgres', EngineVersion: '16.4', DBInstanceClass: 'db.t4g.micro', AllocatedStorage: 20, MasterUsername: 'admin', MasterUserPassword: 'not-a-secret-1', Tags: [{ Key: 'team', Value: 'data' }] }));
    seeded.rds.push(id);
  });
  await inBatches(range(counts.sqs), 20, async (i) => {
    const out = await c.sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-queue-${i}`, Attributes: { VisibilityTimeout: '60' }, tags: { team: 'orders' } }));
    seeded.sqs.push(out.QueueUrl as string);
  });
  if ((counts.ecs ?? 0) > 0) {
    await c.ecs.send(new RegisterTaskDefinitionCommand({ family: `${prefix}-web`, containerDefinitions: [{ name: 'web', image: 'nginx:1.27', essential: true, memory: 512 }] }));
  }
  for (const i of range(counts.ecs)) {
    const cluster = (await c.ecs.send(new CreateEcsClusterCommand({ clusterName: `${prefix}-cluster-${i}` }))).cluster?.clusterArn as string;
    await c.ecs.send(new CreateServiceCommand({ cluster, serviceName: 'web', taskDefinition: `${prefix}-web`, desiredCount: 0 }));
    seeded.ecsClusters.push(cluster);
  }
  await inBatches(range(counts.eks), 10, async (i) => {
    const name = `${prefix}-eks-${i}`;
    await c.eks.send(new CreateEksClusterCommand({ name, version: '1.31', roleArn: `arn:aws:iam::123456789012:role/eks-cluster`, resourcesVpcConfig: { subnetIds: ['subnet-12345678'] } }));
    seeded.eks.push(name);
  });
  if ((counts.lambda ?? 0) > 0) {
    const Role = await lambdaRole(c.iam);
    await inBatches(range(counts.lambda), 10, async (i) => {
      const FunctionName = `${prefix}-fn-${i}`;
      await c.lambda.send(new CreateFunctionCommand({ FunctionName, Runtime: 'nodejs22.x', Role, Handler: 'index.handler', Code: { ZipFile: EMPTY_ZIP }, MemorySize: 256, Timeout: 30, Tags: { team: 'orders' } }));
      seeded.lambda.push(FunctionName);
    });
  }
  for (const client of Object.values(c)) client.destroy();
  return seeded;
}

export async function terminateInstances(aws: AwsTarget, ids: string[]): Promise<void> {
  const ec2 = new EC2Client(aws.client);
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
  ec2.destroy();
}
