import { ConfigError } from '../../../shared/errors';
import { Secrets } from '../../../shared/middleware/secrets';
import { readForwarderConfig, readWebhookUrl, type WebhookSecret } from '../../../functions/portForwarder/config';

const DLQ = 'http://127.0.0.1:5000/123456789012/dlq';
const webhook = (url: string) => new Secrets<WebhookSecret>(new Map([['PORT_WEBHOOK_URL', url]]));

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('readForwarderConfig', () => {
  it('parses a valid environment with the defaults of settings.json', () => {
    const c = readForwarderConfig({ DEAD_LETTER_QUEUE_URL: DLQ, PORT_WEBHOOK_URL: 'https://ingest.port.io/abcdefghijkl' });
    expect(c).toEqual({ stage: 'local', ssmRefreshMs: 900_000, deadLetterQueueUrl: DLQ, concurrency: 8, deadlineMarginMs: 3000, requestTimeoutMs: 10_000 });
  });

  it('reads the tunables', () => {
    const c = readForwarderConfig({
      DEAD_LETTER_QUEUE_URL: DLQ,
      PORT_WEBHOOK_URL_SSM_PARAM: '/p/url',
      FORWARDER_CONCURRENCY: '3',
      FORWARDER_DEADLINE_MARGIN_MS: '1500',
      PORT_REQUEST_TIMEOUT_MS: '4000',
      SSM_SECRETS_REFRESH_SECONDS: '60',
      STAGE: 'prod',
    });
    expect(c).toMatchObject({ concurrency: 3, deadlineMarginMs: 1500, requestTimeoutMs: 4000, ssmRefreshMs: 60_000, stage: 'prod' });
  });

  it('names every bad variable at once, a missing webhook source first', () => {
    const { problems } = configError(() => readForwarderConfig({ FORWARDER_CONCURRENCY: '0' }));
    expect(problems.map((p) => p.variable)).toEqual(['PORT_WEBHOOK_URL', 'DEAD_LETTER_QUEUE_URL', 'FORWARDER_CONCURRENCY']);
    expect(problems[0]!.expected).toContain('PORT_WEBHOOK_URL_SSM_PARAM');
  });
});

describe('readWebhookUrl (the resolved secret)', () => {
  it('refuses a malformed URL and never echoes it', () => {
    const err = configError(() => readWebhookUrl(webhook('ingest.port.io/SECRETKEY123'), { stage: 'dev', ssmRefreshMs: 0 }));
    expect(err.problems.map((p) => p.variable)).toEqual(['PORT_WEBHOOK_URL']);
    expect(err.message).not.toContain('SECRETKEY123');
    expect(err.message).toContain('<redacted>');
  });

  it.each([
    ['dev', 'https://ingest.port.io/abcdefghijkl', true],
    ['dev', 'http://ingest.port.io/abcdefghijkl', false],
    ['prod', 'http://127.0.0.1:9/abcdefghijkl', false],
    ['local', 'http://127.0.0.1:9/abcdefghijkl', true],
    ['local', 'https://ingest.port.io/abcdefghijkl', true],
  ])('stage %s: %s accepted: %s', (stage, url, accepted) => {
    const read = () => readWebhookUrl(webhook(url), { stage, ssmRefreshMs: 0 });
    if (accepted) expect(read()).toBe(url);
    else expect(configError(read).message).toMatch(/PORT_WEBHOOK_URL="<redacted>"; expected the Port ingest URL https:\/\//);
  });
});
