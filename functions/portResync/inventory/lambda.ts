import { ListTagsCommand, paginateListFunctions } from '@aws-sdk/client-lambda';
import { lambdaFunction } from '../../../port/mappings/listing/aws.lambda';
import { isMissing, mapLimit, outOfTime, type Lister } from './types';

/** ListFunctions (50 per page, the API maximum), ListTags per function (ListFunctions carries none). */
export const listLambda: Lister = async ({ clients, scope, deadline, concurrency }) => {
  const fns = [];
  for await (const page of paginateListFunctions({ client: clients.lambda, pageSize: 50 }, {})) {
    fns.push(...(page.Functions ?? []));
    if (outOfTime(deadline)) return { entities: [], complete: false };
  }
  const entities = await mapLimit(fns, concurrency, async (f) => {
    if (!f.FunctionName) return null;
    if (outOfTime(deadline)) return undefined;
    const tags = f.FunctionArn
      ? await clients.lambda.send(new ListTagsCommand({ Resource: f.FunctionArn })).then(
          (r) => r.Tags ?? {},
          (err: unknown) => {
            if (isMissing(err, 'ResourceNotFoundException')) return null;
            throw err;
          },
        )
      : {};
    return tags === null ? null : lambdaFunction({ ...f, FunctionName: f.FunctionName }, tags, scope);
  });
  return { entities: entities.filter((e) => !!e), complete: !entities.includes(undefined) };
};
