import { paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { ec2Instance, isGone } from '../../../port/mappings/listing/aws.ec2';
import { outOfTime, type Lister } from './types';

/** DescribeInstances, 1000 per page; terminated / shutting-down instances count as gone. */
export const listEc2: Lister = async ({ clients, scope, deadline }) => {
  const entities = [];
  for await (const page of paginateDescribeInstances({ client: clients.ec2, pageSize: 1000 }, {})) {
    for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) if (i.InstanceId && !isGone(i)) entities.push(ec2Instance({ ...i, InstanceId: i.InstanceId }, scope));
    if (outOfTime(deadline)) return { entities, complete: false };
  }
  return { entities, complete: true };
};
