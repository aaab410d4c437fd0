import { GetBucketLocationCommand, GetBucketTaggingCommand, paginateListBuckets, type Bucket } from '@aws-sdk/client-s3';
import { bucketRegion, s3Bucket } from '../../../port/mappings/listing/aws.s3';
import { isMissing, mapLimit, outOfTime, type Lister } from './types';

/**
 * ListBuckets returns every bucket of the account: only those in the stack's region are this
 * resync's (BucketRegion when S3 gives it, else GetBucketLocation), then GetBucketTagging each.
 */
export const listS3: Lister = async ({ clients, scope, deadline, concurrency }) => {
  const buckets: Array<Bucket & { Name: string }> = [];
  for await (const page of paginateListBuckets({ client: clients.s3, pageSize: 1000 }, { BucketRegion: scope.region })) {
    for (const b of page.Buckets ?? []) if (b.Name) buckets.push({ ...b, Name: b.Name });
    if (outOfTime(deadline)) return { entities: [], complete: false };
  }
  const entities = await mapLimit(buckets, concurrency, async (b) => {
    if (outOfTime(deadline)) return undefined;
    const region = b.BucketRegion ?? bucketRegion((await clients.s3.send(new GetBucketLocationCommand({ Bucket: b.Name }))).LocationConstraint);
    if (region !== scope.region) return null;
    const tags = await clients.s3.send(new GetBucketTaggingCommand({ Bucket: b.Name })).then(
      (r) => r.TagSet ?? [],
      (err: unknown) => {
        if (isMissing(err, 'NoSuchTagSet')) return [];
        throw err;
      },
    );
    return s3Bucket(b, { region, tags }, scope);
  });
  return { entities: entities.filter((e) => !!e), complete: !entities.includes(undefined) };
};
