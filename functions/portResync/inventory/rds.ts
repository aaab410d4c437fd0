import { paginateDescribeDBInstances } from '@aws-sdk/client-rds';
import { isGone, rdsDbInstance } from '../../../port/mappings/listing/aws.rds';
import { outOfTime, type Lister } from './types';

/** DescribeDBInstances (tags included), 100 per page; `deleting` instances count as gone. */
export const listRds: Lister = async ({ clients, scope, deadline }) => {
  const entities = [];
  for await (const page of paginateDescribeDBInstances({ client: clients.rds, pageSize: 100 }, {})) {
    for (const db of page.DBInstances ?? []) if (db.DBInstanceArn && !isGone(db)) entities.push(rdsDbInstance({ ...db, DBInstanceArn: db.DBInstanceArn }, scope));
    if (outOfTime(deadline)) return { entities, complete: false };
  }
  return { entities, complete: true };
};
