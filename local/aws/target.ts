/** Where the world's own AWS calls go: a local AWS endpoint with dummy credentials, never the ambient profile. */
export interface AwsTarget {
  region: string;
  account: string;
  /** Config for any AWS SDK v3 client: `new SQSClient(aws.client)`. */
  client: { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
}

/** moto's fixed account id (the one it puts in every ARN). */
export const MOTO_ACCOUNT = '123456789012';

export function awsTarget(endpoint: string, region: string, account = MOTO_ACCOUNT): AwsTarget {
  return { region, account, client: { region, endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } };
}
