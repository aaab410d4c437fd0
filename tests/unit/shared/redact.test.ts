import { redactSecretUrl, redactUrl } from '../../../shared/redact';

describe('redactUrl', () => {
  it.each([
    ['https://user:pw@example.atlassian.net/rest/api/3/search/jql?jql=project%3DSEC#top', 'https://example.atlassian.net/rest/api/3/search/jql'],
    ['http://127.0.0.1:4010/v3/issues?access_token=abc', 'http://127.0.0.1:4010/v3/issues'],
    ['/v3/issues?since=2026-01-01', '/v3/issues'],
  ])('%s → %s (no credentials, query or fragment)', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it('masks long path segments when the path is the secret', () => {
    expect(redactSecretUrl('https://ingest.port.io/AbCdEf123456')).toBe('https://ingest.port.io/Ab…(redacted)');
    expect(redactSecretUrl('http://127.0.0.1:9000/webhook-key-0123?x=1')).toBe('http://127.0.0.1:9000/we…(redacted)');
    expect(redactSecretUrl('https://ingest.port.io/short')).toBe('https://ingest.port.io/short');
  });

  it('never echoes what it cannot parse', () => {
    expect(redactUrl('http://[::1')).toBe('<redacted url>');
    expect(redactSecretUrl('http://[::1secret-key-here')).toBe('<redacted url>');
  });
});
