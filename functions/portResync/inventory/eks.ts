import { DescribeClusterCommand, paginateListClusters } from '@aws-sdk/client-eks';
import { eksCluster, isGone } from '../../../port/mappings/listing/aws.eks';
import { isMissing, mapLimit, outOfTime, type Lister } from './types';

/** ListClusters (100 per page), DescribeCluster each; DELETING / FAILED clusters count as gone. */
export const listEks: Lister = async ({ clients, scope, deadline, concurrency }) => {
  const names: string[] = [];
  for await (const page of paginateListClusters({ client: clients.eks, pageSize: 100 }, {})) {
    names.push(...(page.clusters ?? []));
    if (outOfTime(deadline)) return { entities: [], complete: false };
  }
  const entities = await mapLimit(names, concurrency, async (name) => {
    if (outOfTime(deadline)) return undefined;
    const cluster = await clients.eks.send(new DescribeClusterCommand({ name })).then(
      (r) => r.cluster,
      (err: unknown) => {
        if (isMissing(err, 'ResourceNotFoundException')) return undefined;
        throw err;
      },
    );
    return cluster && !isGone(cluster) ? eksCluster({ ...cluster, name }, scope) : null;
  });
  return { entities: entities.filter((e) => !!e), complete: !entities.includes(undefined) };
};
