import type { DBInstance } from '@aws-sdk/client-rds';
import { known, tagMap, type PortEntity, type Scope } from '../definitions';

export const isGone = (db: DBInstance): boolean => db.DBInstanceStatus === 'deleting';

/** Keyed by ARN like `aws.rds.json` (a bare instance id collides across accounts and regions). */
export function rdsDbInstance(db: DBInstance & { DBInstanceArn: string }, scope: Scope): PortEntity {
  return {
    blueprint: 'rdsDbInstance',
    identifier: db.DBInstanceArn,
    title: db.DBInstanceIdentifier ?? db.DBInstanceArn,
    properties: known({
      arn: db.DBInstanceArn,
      region: scope.region,
      engine: db.Engine,
      engineVersion: db.EngineVersion,
      instanceClass: db.DBInstanceClass,
      allocatedStorage: db.AllocatedStorage,
      multiAz: db.MultiAZ,
      tags: tagMap(db.TagList),
    }),
    relations: { account: scope.account },
  };
}
