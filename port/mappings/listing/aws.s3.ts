import type { Bucket } from '@aws-sdk/client-s3';
import { known, tagMap, type PortEntity, type Scope } from '../definitions';

/** Same as `aws.s3.json`: the bucket name is the identifier (unique per partition). */
export function s3Bucket(b: Bucket & { Name: string }, details: { region: string; tags: Array<{ Key?: string; Value?: string }> }, scope: Scope): PortEntity {
  return {
    blueprint: 's3Bucket',
    identifier: b.Name,
    title: b.Name,
    properties: known({ arn: `arn:${scope.partition}:s3:::${b.Name}`, region: details.region, // CloudTrail's eventTime has no milliseconds: same form, so a listing does not rewrite an event's value.
      creationDate: b.CreationDate?.toISOString().replace(/\.000Z$/, 'Z'), tags: tagMap(details.tags) }),
    relations: { account: scope.account },
  };
}

/** GetBucketLocation: null/empty means us-east-1, `EU` is the legacy name of eu-west-1. */
export function bucketRegion(locationConstraint: string | undefined | null): string {
  if (!locationConstraint) return 'us-east-1';
  return locationConstraint === 'EU' ? 'eu-west-1' : locationConstraint;
}
