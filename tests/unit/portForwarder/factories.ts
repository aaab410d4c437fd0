import type { SQSRecord } from 'aws-lambda';

/** One factory per record kind (EventBridge event, Port entity, anything else). */
let seq = 0;

export function ec2Event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return {
    version: '0',
    id: `7bf73129-1428-4cd3-a780-95db273d${String(seq).padStart(4, '0')}`,
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '123456789012',
    time: '2026-11-23T10:00:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:ec2:eu-west-1:123456789012:instance/i-${seq}`],
    detail: { 'instance-id': `i-${seq}`, state: 'running' },
    ...overrides,
  };
}

export function entity(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return { blueprint: 'awsEc2Instance', identifier: `i-${seq}`, title: `instance ${seq}`, properties: { state: 'running' }, ...overrides };
}

export function sqsRecord(body: unknown, overrides: Partial<SQSRecord> = {}): SQSRecord {
  seq++;
  return {
    messageId: `msg-${seq}`,
    receiptHandle: `rh-${seq}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1795428000000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1795428000001',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:halo-jira-port-dev-events',
    awsRegion: 'eu-west-1',
    ...overrides,
  };
}
