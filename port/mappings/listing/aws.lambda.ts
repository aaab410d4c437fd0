import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { known, type PortEntity, type Scope } from '../definitions';

/** Same identifier (unqualified function ARN) and properties as `aws.lambda.json`. */
export function lambdaFunction(f: FunctionConfiguration & { FunctionName: string }, tags: Record<string, string>, scope: Scope): PortEntity {
  const arn = f.FunctionArn ?? `arn:${scope.partition}:lambda:${scope.region}:${scope.account}:function:${f.FunctionName}`;
  return {
    blueprint: 'lambdaFunction',
    identifier: arn,
    title: f.FunctionName,
    properties: known({
      arn,
      region: scope.region,
      runtime: f.Runtime,
      handler: f.Handler,
      memorySize: f.MemorySize,
      timeout: f.Timeout,
      role: f.Role,
      codeSize: f.CodeSize,
      lastModified: f.LastModified,
      tags,
    }),
    relations: { account: scope.account },
  };
}
