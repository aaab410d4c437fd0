import { DescribeClustersCommand, DescribeServicesCommand, DescribeTasksCommand, paginateListClusters, paginateListServices, paginateListTasks } from '@aws-sdk/client-ecs';
import type { PortEntity } from '../../../port/mappings/definitions';
import { clusterIsGone, ecsCluster, ecsService, ecsTask, serviceIsGone, taskIsGone } from '../../../port/mappings/listing/aws.ecs';
import { chunk, mapLimit, outOfTime, type Lister, type ListContext } from './types';

/**
 * ListClusters → DescribeClusters (100 at a time); per cluster ListServices → DescribeServices
 * (10 at a time) and ListTasks(RUNNING) → DescribeTasks (100 at a time).
 */
export const listEcs: Lister = async (ctx) => {
  const { clients, scope, deadline, concurrency } = ctx;
  const arns: string[] = [];
  for await (const page of paginateListClusters({ client: clients.ecs, pageSize: 100 }, {})) {
    arns.push(...(page.clusterArns ?? []));
    if (outOfTime(deadline)) return { entities: [], complete: false };
  }
  const entities: PortEntity[] = [];
  let complete = true;
  for (const batch of chunk(arns, 100)) {
    const { clusters = [] } = await clients.ecs.send(new DescribeClustersCommand({ clusters: batch }));
    const live = clusters.filter((c): c is typeof c & { clusterArn: string } => !!c.clusterArn && !clusterIsGone(c));
    entities.push(...live.map((c) => ecsCluster(c, scope)));
    const members = await mapLimit(live, concurrency, (c) => clusterMembers(ctx, c.clusterArn));
    for (const m of members) {
      entities.push(...m.entities);
      complete &&= m.complete;
    }
    if (outOfTime(deadline)) return { entities, complete: false };
  }
  return { entities, complete };
};

async function clusterMembers({ clients, scope, deadline }: ListContext, cluster: string): Promise<{ entities: PortEntity[]; complete: boolean }> {
  const entities: PortEntity[] = [];
  const serviceArns: string[] = [];
  for await (const page of paginateListServices({ client: clients.ecs, pageSize: 100 }, { cluster })) serviceArns.push(...(page.serviceArns ?? []));
  for (const batch of chunk(serviceArns, 10)) {
    const { services = [] } = await clients.ecs.send(new DescribeServicesCommand({ cluster, services: batch }));
    for (const s of services) if (s.serviceArn && !serviceIsGone(s)) entities.push(ecsService({ ...s, serviceArn: s.serviceArn }, cluster, scope));
    if (outOfTime(deadline)) return { entities, complete: false };
  }
  const taskArns: string[] = [];
  for await (const page of paginateListTasks({ client: clients.ecs, pageSize: 100 }, { cluster, desiredStatus: 'RUNNING' })) taskArns.push(...(page.taskArns ?? []));
  for (const batch of chunk(taskArns, 100)) {
    const { tasks = [] } = await clients.ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }));
    for (const t of tasks) if (t.taskArn && !taskIsGone(t)) entities.push(ecsTask({ ...t, taskArn: t.taskArn }, cluster, scope));
    if (outOfTime(deadline)) return { entities, complete: false };
  }
  return { entities, complete: true };
}
