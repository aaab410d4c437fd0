import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsTarget } from './target';

/**
 * More than one account in one moto: an organisation whose management account is moto's own, with
 * member accounts, and an AwsTarget acting as a member. moto answers as the account of the role whose
 * AssumeRole credentials a request carries (the role need not exist; docs/organization.md "Locally").
 */
export async function createMemberAccounts(aws: AwsTarget, names: readonly string[]): Promise<string[]> {
  const organizations = new OrganizationsClient(aws.client);
  try {
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const ids: string[] = [];
    for (const name of names) {
      const status = (await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }))).CreateAccountStatus;
      if (!status?.AccountId) throw new Error(`moto created no account for ${name}`);
      ids.push(status.AccountId);
    }
    return ids;
  } finally {
    organizations.destroy();
  }
}

/** The same endpoint and region, acting as `account` (AssumeRole of its OrganizationAccountAccessRole). */
export async function asAccount(aws: AwsTarget, account: string): Promise<AwsTarget> {
  const sts = new STSClient(aws.client);
  try {
    const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, RoleSessionName: 'local-world' }));
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`moto returned no credentials for account ${account}`);
    const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}) };
    return { region: aws.region, account, client: { ...aws.client, credentials } };
  } finally {
    sts.destroy();
  }
}
