import type { Message } from '@aws-sdk/client-sqs';
import { UsageError } from '../../../shared/cli';
import { parseDuration, parseFilter, parseFilters } from '../../../ops/dlq/filter';
import { readLetter, replayAttributes, REDRIVE_REASON, type Letter } from '../../../ops/dlq/letter';
import { formatAge } from '../../../ops/dlq/table';

// Pure parts of `npm run dlq`; they live with the command's tests (the ops folder owns both).
const NOW = new Date('2026-11-23T12:00:00Z');
const s = (v: string) => ({ DataType: 'String', StringValue: v });

const forwarderMessage: Message = {
  MessageId: 'm-1',
  Body: '{"source":"aws.ec2","id":"e1"}',
  Attributes: { SentTimestamp: String(Date.parse('2026-11-23T11:00:00Z')), ApproximateReceiveCount: '7' },
  MessageAttributes: {
    reason: s('HttpError: port-ingest answered 413: too large'),
    errorClass: s('PortRejected'),
    originalMessageId: s('orig-1'),
    source: s('aws.ec2'),
    firstFailureTime: s('2026-11-23T09:00:00Z'),
    receiveCount: { DataType: 'Number', StringValue: '3' },
    replayCount: { DataType: 'Number', StringValue: '1' },
  },
};
const redriveMessage: Message = {
  MessageId: 'm-2',
  Body: '{"blueprint":"ec2Instance","identifier":"i-1"}',
  Attributes: { SentTimestamp: String(Date.parse('2026-11-23T11:30:00Z')), ApproximateReceiveCount: '4' },
};
const ebMessage: Message = {
  MessageId: 'm-3',
  Body: 'not json',
  MessageAttributes: { ERROR_CODE: s('NO_PERMISSIONS'), ERROR_MESSAGE: s('denied'), RULE_ARN: s('arn:rule'), TARGET_ARN: s('arn:q') },
};

describe('readLetter', () => {
  test('forwarder letter: reason, class, source and age come from its attributes', () => {
    const l = readLetter(forwarderMessage, NOW);
    expect(l).toMatchObject({ kind: 'forwarder', errorClass: 'PortRejected', source: 'aws.ec2', receiveCount: 3, replayCount: 1, originalMessageId: 'orig-1' });
    expect(l.ageMs).toBe(3 * 3600_000);
  });
  test('redrive letter: says no reason was recorded; source from the body; SQS receive count; age from SentTimestamp', () => {
    const l = readLetter(redriveMessage, NOW);
    expect(l).toMatchObject({ kind: 'redrive', reason: REDRIVE_REASON, source: 'ec2Instance', receiveCount: 4, replayCount: 0 });
    expect(l.ageMs).toBe(30 * 60_000);
  });
  test('EventBridge letter: error code and message; unknown source and age', () => {
    const l = readLetter(ebMessage, NOW);
    expect(l.kind).toBe('eventbridge');
    expect(l.reason).toContain('NO_PERMISSIONS denied');
    expect(l).toMatchObject({ source: '-', ageMs: undefined, errorClass: 'NO_PERMISSIONS' });
  });
  test('replay attributes drop the failure description, keep history and count the replay', () => {
    const attrs = replayAttributes(readLetter(forwarderMessage, NOW));
    expect(Object.keys(attrs).sort()).toEqual(['firstFailureTime', 'originalMessageId', 'replayCount', 'source']);
    expect(attrs.replayCount?.StringValue).toBe('2');
    expect(Object.keys(replayAttributes(readLetter(ebMessage, NOW)))).toEqual(['replayCount']);
  });
});

describe('--filter language', () => {
  const [fwd, redrive, eb] = [forwarderMessage, redriveMessage, ebMessage].map((m) => readLetter(m, NOW)) as [Letter, Letter, Letter];
  test.each([
    ['reason~413', [true, false, false]],
    ['reason~PortRejected', [true, false, false]],
    ['REASON~too LARGE', [true, false, false]],
    ['reason!~413', [false, true, true]],
    ['source=aws.ec2', [true, false, false]],
    ['source=aws.ec2|ec2Instance', [true, true, false]],
    ['source!=aws.ec2', [false, true, true]],
    ['kind=redrive', [false, true, false]],
    ['class=no_permissions', [false, false, true]],
    ['id=orig-1', [true, false, false]],
    ['id=m-2', [false, true, false]],
    ['body~identifier', [false, true, false]],
    ['older-than=1h', [true, false, false]],
    ['newer-than=1h', [false, true, false]],
    ['receives>=4', [false, true, false]],
    ['replays<1', [false, true, true]],
    ['replays=1', [true, false, false]],
  ])('%s', (term, expected) => {
    const f = parseFilter(term);
    expect([fwd, redrive, eb].map(f)).toEqual(expected);
  });

  test('terms are ANDed; none matches all', () => {
    expect([fwd, redrive, eb].map(parseFilters(['kind!=eventbridge', 'older-than=20m']))).toEqual([true, true, false]);
    expect([fwd, redrive, eb].map(parseFilters([]))).toEqual([true, true, true]);
  });

  test.each(['colour=red', 'reason', 'reason=', 'older-than~1h', 'older-than=soon', 'receives~3', 'receives>x', 'kind>1'])('%s is a usage error', (term) => {
    expect(() => parseFilter(term)).toThrow(UsageError);
  });

  test('durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('1x')).toBeUndefined();
    expect(parseDuration('h1')).toBeUndefined();
  });

  test('ages read like durations', () => {
    expect([formatAge(42_000), formatAge(5 * 60_000), formatAge(9_000_000), formatAge(3 * 86_400_000 + 3_600_000), formatAge(undefined)]).toEqual([
      '42s', '5m', '2h30m', '3d1h', '?',
    ]);
  });
});
