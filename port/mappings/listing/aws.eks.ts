import type { Cluster } from '@aws-sdk/client-eks';
import { known, type PortEntity, type Scope } from '../definitions';

export const isGone = (c: Cluster): boolean => c.status === 'DELETING' || c.status === 'FAILED';

/** Same identifier (cluster ARN) and properties as `aws.eks.json`. */
export function eksCluster(c: Cluster & { name: string }, scope: Scope): PortEntity {
  const arn = c.arn ?? `arn:${scope.partition}:eks:${scope.region}:${scope.account}:cluster/${c.name}`;
  return {
    blueprint: 'eksCluster',
    identifier: arn,
    title: c.name,
    properties: known({ arn, region: scope.region, version: c.version, status: c.status, roleArn: c.roleArn, platformVersion: c.platformVersion }),
    relations: { account: scope.account },
  };
}
