import type { Cluster, Service, Task } from '@aws-sdk/client-ecs';
import { known, lastSegment, type PortEntity, type Scope } from '../definitions';

/** Same identifiers (ARNs) and properties as `aws.ecs.json`. */
export const clusterIsGone = (c: Cluster): boolean => c.status === 'INACTIVE' || c.status === 'DEPROVISIONING';
export const serviceIsGone = (s: Service): boolean => s.status === 'INACTIVE' || s.status === 'DRAINING';
export const taskIsGone = (t: Task): boolean => t.lastStatus === 'STOPPED' || t.lastStatus === 'DELETED' || t.desiredStatus === 'STOPPED';

export function ecsCluster(c: Cluster & { clusterArn: string }, scope: Scope): PortEntity {
  return {
    blueprint: 'ecsCluster',
    identifier: c.clusterArn,
    title: c.clusterName ?? lastSegment(c.clusterArn),
    properties: { arn: c.clusterArn, region: scope.region },
    relations: { account: scope.account },
  };
}

export function ecsService(s: Service & { serviceArn: string }, clusterArn: string, scope: Scope): PortEntity {
  return {
    blueprint: 'ecsService',
    identifier: s.serviceArn,
    title: s.serviceName ?? lastSegment(s.serviceArn),
    properties: { arn: s.serviceArn, region: scope.region },
    relations: { account: scope.account, cluster: s.clusterArn ?? clusterArn },
  };
}

export function ecsTask(t: Task & { taskArn: string }, clusterArn: string, scope: Scope): PortEntity {
  return {
    blueprint: 'ecsTask',
    identifier: t.taskArn,
    title: lastSegment(t.taskArn),
    properties: known({
      arn: t.taskArn,
      region: scope.region,
      lastStatus: t.lastStatus,
      desiredStatus: t.desiredStatus,
      launchType: t.launchType,
      taskDefinitionArn: t.taskDefinitionArn,
      group: t.group,
      availabilityZone: t.availabilityZone,
      cpu: t.cpu,
      memory: t.memory,
      createdAt: t.createdAt?.toISOString(),
    }),
    relations: { account: scope.account, cluster: t.clusterArn ?? clusterArn },
  };
}
