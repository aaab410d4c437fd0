import type { Instance } from '@aws-sdk/client-ec2';
import { known, type PortEntity, type Scope } from '../definitions';

/** Terminated (or terminating) instances are gone: the event mapping deletes on `terminated` too. */
export const isGone = (i: Instance): boolean => ['terminated', 'shutting-down'].includes(i.State?.Name ?? '');

/** Same identifier, title and properties as `aws.ec2.json`; `stateChangedAt` only comes from events. */
export function ec2Instance(i: Instance & { InstanceId: string }, scope: Scope): PortEntity {
  return {
    blueprint: 'ec2Instance',
    identifier: i.InstanceId,
    title: i.InstanceId,
    properties: known({ state: i.State?.Name, arn: `arn:${scope.partition}:ec2:${scope.region}:${scope.account}:instance/${i.InstanceId}`, region: scope.region }),
    relations: { account: scope.account },
  };
}
