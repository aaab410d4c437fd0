import { ConfigError } from '../../../shared/errors';
import { readForwarderConfig } from '../../../functions/portForwarder/config';

const DLQ = 'http://127.0.0.1:5000/123456789012/dlq';

describe('readForwarderConfig', () => {
  it('parses a valid environment with defaults', () => {
    const c = readForwarderConfig({ DEAD_LETTER_QUEUE_URL: DLQ }, 'https://ingest.port.io/abcdefghijkl');
    expect(c).toEqual({
      webhookUrl: 'https://ingest.port.io/abcdefghijkl',
      deadLetterQueueUrl: DLQ,
      concurrency: 8,
      deadlineMarginMs: 3000,
      requestTimeoutMs: 10_000,
    });
  });

  it('reads the tunables', () => {
    const c = readForwarderConfig(
      { DEAD_LETTER_QUEUE_URL: DLQ, FORWARDER_CONCURRENCY: '3', FORWARDER_DEADLINE_MARGIN_MS: '1500', PORT_REQUEST_TIMEOUT_MS: '4000' },
      'http://127.0.0.1:9/key',
    );
    expect(c).toMatchObject({ concurrency: 3, deadlineMarginMs: 1500, requestTimeoutMs: 4000 });
  });

  it('names every bad variable at once and never echoes the webhook URL', () => {
    let err: unknown;
    try {
      readForwarderConfig({ FORWARDER_CONCURRENCY: '0' }, 'ingest.port.io/SECRETKEY123');
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
    expect(() => readForwarderConfig({ DEAD_LETTER_QUEUE_URL: DLQ }, undefined)).toThrow(/PORT_WEBHOOK_URL is not set/);
  });
});
