import { ConfigError } from '../../../shared/errors';
import { readForwarderConfig } from '../../../functions/portForwarder/config';

const DLQ = 'http://127.0.0.1:5000/123456789012/dlq';

describe('readForwarderConfig', () => {
  it('parses a valid environment with defaults', () => {
    const c = readForwarderConfig({ DEAD_LETTER_QUEUE_URL: DLQ }, { PORT_WEBHOOK_URL: 'https://ingest.port.io/abcdefghijkl' });
    expect(c).toEqual({
      webhookUrl: 'https://ingest.port.io/abcdefghijkl',
      deadLetterQueueUrl: DLQ,
      concurrency: 8,
      deadlineMarginMs: 3000,
      requestTimeoutMs: 10_000,
      retry: { budgetSeconds: 21_600, firstDelaySeconds: 30, maxDelaySeconds: 1800 },
    });
  });

  it('reads the tunables', () => {
    const c = readForwarderConfig(
      { DEAD_LETTER_QUEUE_URL: DLQ, FORWARDER_CONCURRENCY: '3', FORWARDER_DEADLINE_MARGIN_MS: '1500', PORT_REQUEST_TIMEOUT_MS: '4000' },
      { PORT_WEBHOOK_URL: 'http://127.0.0.1:9/key' },
    );
    expect(c).toMatchObject({ concurrency: 3, deadlineMarginMs: 1500, requestTimeoutMs: 4000 });
  });

  it('names every bad variable at once and never echoes the webhook URL', () => {
    let err: unknown;
    try {
      readForwarderConfig({ FORWARDER_CONCURRENCY: '0' }, { PORT_WEBHOOK_URL: 'ingest.port.io/SECRETKEY123' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const { message, problems } = err as ConfigError;
    expect(problems.map((p) => p.variable)).toEqual(['PORT_WEBHOOK_URL', 'DEAD_LETTER_QUEUE_URL', 'FORWARDER_CONCURRENCY']);
    expect(message).not.toContain('SECRETKEY123');
    expect(message).toContain('<redacted>');
  });

  it('requires the webhook URL', () => {
    expect(() => readForwarderConfig({ DEAD_LETTER_QUEUE_URL: DLQ }, {})).toThrow(/PORT_WEBHOOK_URL is not set/);
  });

  it('reads the signing secret and the retry budget; a short secret is refused without being echoed', () => {
    const c = readForwarderConfig(
      { DEAD_LETTER_QUEUE_URL: DLQ, FORWARDER_RETRY_BUDGET_SECONDS: '600', FORWARDER_RETRY_FIRST_DELAY_SECONDS: '0', FORWARDER_RETRY_MAX_DELAY_SECONDS: '60' },
      { PORT_WEBHOOK_URL: 'https://ingest.port.io/abcdefghijkl', PORT_WEBHOOK_SECRET: 'a-long-enough-signing-secret' },
    );
    expect(c).toMatchObject({ signingSecret: 'a-long-enough-signing-secret', retry: { budgetSeconds: 600, firstDelaySeconds: 0, maxDelaySeconds: 60 } });
    let message = '';
    try {
      readForwarderConfig({ DEAD_LETTER_QUEUE_URL: DLQ }, { PORT_WEBHOOK_URL: 'https://ingest.port.io/abcdefghijkl', PORT_WEBHOOK_SECRET: 'short-ONE' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/PORT_WEBHOOK_SECRET=.*at least 16 characters/);
    expect(message).not.toContain('short-ONE');
  });
});
