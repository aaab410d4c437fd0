import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

/**
 * Where the installer keeps the webhook URL and signing secret: SSM SecureString parameters the
 * stack then names (never the values). Credentials, region and endpoint come from the usual AWS
 * chain (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL).
 */
export interface SecretStore {
  /** The decrypted value, or undefined when the parameter does not exist. */
  get(name: string): Promise<string | undefined>;
  putSecure(name: string, value: string, description: string): Promise<void>;
}

export class SsmSecretStore implements SecretStore {
  private readonly ssm: SSMClient;

  constructor(region?: string) {
    this.ssm = new SSMClient(region ? { region } : {});
  }

  async get(name: string): Promise<string | undefined> {
    try {
      return (await this.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter?.Value;
    } catch (err) {
      if ((err as Error).name === 'ParameterNotFound') return undefined;
      throw err;
    }
  }

  async putSecure(name: string, value: string, description: string): Promise<void> {
    await this.ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true, Description: description }));
  }

  close(): void {
    this.ssm.destroy();
  }
}
