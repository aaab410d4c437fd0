import { GetQueueAttributesCommand, ListQueueTagsCommand, paginateListQueues } from '@aws-sdk/client-sqs';
import { QUEUE_ATTRIBUTES, sqsQueue } from '../../../port/mappings/listing/aws.sqs';
import { isMissing, mapLimit, outOfTime, type Lister } from './types';

/** ListQueues (1000 per page), then GetQueueAttributes (configured ones + QueueArn) and ListQueueTags per queue. */
export const listSqs: Lister = async ({ clients, scope, deadline, concurrency }) => {
  const urls: string[] = [];
  for await (const page of paginateListQueues({ client: clients.sqs, pageSize: 1000 }, { MaxResults: 1000 })) {
    urls.push(...(page.QueueUrls ?? []));
    if (outOfTime(deadline)) return { entities: [], complete: false };
  }
  const entities = await mapLimit(urls, concurrency, async (url) => {
    if (outOfTime(deadline)) return undefined;
    try {
      const [attrs, tags] = await Promise.all([
        clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', ...QUEUE_ATTRIBUTES] })),
        clients.sqs.send(new ListQueueTagsCommand({ QueueUrl: url })),
      ]);
      return sqsQueue(url, attrs.Attributes ?? {}, tags.Tags ?? {}, scope);
    } catch (err) {
      // Deleted between ListQueues and now: gone.
      if (isMissing(err, 'QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue')) return null;
      throw err;
    }
  });
  return { entities: entities.filter((e) => !!e), complete: !entities.includes(undefined) };
};
