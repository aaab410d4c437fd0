import { HttpError, PermanentError, RetryableError } from '../../../shared/errors';
import { batchResponse, classifyFailure } from '../../../functions/portForwarder/outcomes';

describe('classifyFailure', () => {
  it.each([
    ['a transient failure', new RetryableError('port-ingest answered 503'), 'transient'],
    ['a 404 (unknown webhook key)', new HttpError('port-ingest answered 404', 404, {}), 'request-wide'],
    ['a 410 (webhook deleted)', new HttpError('x', 410, {}), 'request-wide'],
    ['a 401 (our credentials or signature, not the record)', new HttpError('x', 401, {}), 'credentials'],
    ['a 403', new HttpError('x', 403, {}), 'credentials'],
    ['a 400', new HttpError('x', 400, {}), 'isolate'],
    ['a 413', new HttpError('x', 413, {}), 'isolate'],
    ['a 422', new HttpError('x', 422, {}), 'isolate'],
    ['another permanent error', new PermanentError('bad'), 'transient'],
    ['a programming error', new TypeError('x is undefined'), 'transient'],
  ])('%s → %s', (_n, err, kind) => {
    const v = classifyFailure(err);
    expect(v.kind).toBe(kind);
    expect(v.reason).toContain((err as Error).message);
  });
});

describe('batchResponse', () => {
  it('reports every record that is not delivered or dead-lettered, including unknown ones', () => {
    const outcomes = new Map([
      ['a', { kind: 'delivered' as const }],
      ['b', { kind: 'dead-lettered' as const, reason: 'r' }],
      ['c', { kind: 'transient' as const, reason: 'r', cause: 'transient' as const }],
      ['d', { kind: 'dead-letter-failed' as const, reason: 'r' }],
    ]);
    expect(batchResponse(['a', 'b', 'c', 'd', 'e'], outcomes)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'c' }, { itemIdentifier: 'd' }, { itemIdentifier: 'e' }],
    });
  });
});
