import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EKSClient } from '@aws-sdk/client-eks';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { listEc2 } from './ec2';
import { listEcs } from './ecs';
import { listEks } from './eks';
import { listLambda } from './lambda';
import { listRds } from './rds';
import { listS3 } from './s3';
import { listSqs } from './sqs';
import type { ClientConfig } from '../../../shared/aws/accounts';
import type { AwsClients, Lister } from './types';

/** One lister per event source of port/sources.json. */
export const LISTERS: Readonly<Record<string, Lister>> = {
  'aws.ec2': listEc2,
  'aws.s3': listS3,
  'aws.rds': listRds,
  'aws.sqs': listSqs,
  'aws.ecs': listEcs,
  'aws.eks': listEks,
  'aws.lambda': listLambda,
};

/**
 * Clients for one account and region (credentials: the assumed spoke role's, or the function's own
 * when absent); endpoints follow AWS_ENDPOINT_URL (moto locally) like every SDK v3 client.
 */
export function awsClients({ region, credentials }: ClientConfig): AwsClients {
  const opts = { region, maxAttempts: 5, ...(credentials ? { credentials } : {}) };
  return {
    ec2: new EC2Client(opts),
    // A bucket listed by BucketRegion lives in `region`; a redirect still finds one that moved.
    s3: new S3Client({ ...opts, followRegionRedirects: true }),
    rds: new RDSClient(opts),
    sqs: new SQSClient(opts),
    ecs: new ECSClient(opts),
    eks: new EKSClient(opts),
    lambda: new LambdaClient(opts),
  };
}
