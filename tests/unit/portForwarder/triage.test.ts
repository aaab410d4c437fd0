import { MAX_ITEM_BYTES, triage } from '../../../functions/portForwarder/triage';
import { ec2Event, entity, sqsRecord } from './factories';

describe('triage', () => {
  it('accepts an EventBridge event, keyed by its event id, body unchanged', () => {
    const event = ec2Event();
    const record = sqsRecord(`  ${JSON.stringify(event, null, 2)}\n`);
    const t = triage(record);
    expect(t).toMatchObject({ kind: 'event', messageId: record.messageId, itemId: event.id, source: 'aws.ec2' });
    if (t.kind === 'reject') throw new Error('unexpected');
    expect(JSON.parse(t.json)).toEqual(event);
    expect(t.bytes).toBe(Buffer.byteLength(t.json));
  });

  it('accepts an event without the optional envelope fields (moto omits account), but checks their types', () => {
    const bare = { id: 'e-1', source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', detail: {} };
    expect(triage(sqsRecord(bare))).toMatchObject({ kind: 'event', itemId: 'e-1' });
    expect(triage(sqsRecord({ ...bare, account: 123 }))).toMatchObject({ kind: 'reject', reason: expect.stringMatching(/account \(string\)/) });
  });

  it.each([
    ['minimal', {}],
    ['delete operation', { operation: 'delete', title: undefined, properties: undefined }],
    ['team array', { team: ['sec', 'ops'] }],
    ['relations', { relations: { vpc: 'vpc-1' } }],
  ])('accepts a Port entity (%s), keyed by the SQS messageId', (_name, extra) => {
    const record = sqsRecord(entity(extra));
    expect(triage(record)).toMatchObject({ kind: 'entity', itemId: record.messageId, source: 'awsEc2Instance' });
  });

  it.each([
    ['empty body', '', 'EmptyBody', /empty/],
    ['blank body', '   ', 'EmptyBody', /empty/],
    ['not JSON', '{"source": "aws.ec2",', 'InvalidJson', /not JSON/],
    ['a JSON array', '[1,2]', 'UnknownPayload', /array/],
    ['a JSON string', '"hello"', 'UnknownPayload', /string/],
    ['null', 'null', 'UnknownPayload', /object/],
    ['an object that is neither', JSON.stringify({ hello: 'world' }), 'UnknownPayload', /event field\(s\) missing or invalid: id \(string\), detail-type \(string\), source \(string\), detail \(object\)$/],
    ['an event without detail', JSON.stringify(ec2Event({ detail: undefined })), 'UnknownPayload', /invalid: detail \(object\)$/],
    ['an event with string resources', JSON.stringify(ec2Event({ resources: 'x' })), 'UnknownPayload', /invalid: resources \(array\)$/],
    ['an entity without identifier', JSON.stringify(entity({ identifier: undefined })), 'UnknownPayload', /entity field\(s\) missing or invalid: identifier \(string\)$/],
    ['an entity with blank blueprint', JSON.stringify(entity({ blueprint: '' })), 'UnknownPayload', /blueprint \(string\)/],
    ['an entity with array properties', JSON.stringify(entity({ properties: [] })), 'UnknownPayload', /properties \(object\)/],
    ['an entity with numeric team', JSON.stringify(entity({ team: 3 })), 'UnknownPayload', /team \(string or string array\)/],
    ['an entity with operation upsert', JSON.stringify(entity({ operation: 'upsert' })), 'UnknownPayload', /operation/],
  ])('rejects %s', (_name, body, errorClass, reason) => {
    const record = sqsRecord(body);
    const t = triage(record);
    expect(t).toMatchObject({ kind: 'reject', messageId: record.messageId, errorClass });
    if (t.kind !== 'reject') throw new Error('unexpected');
    expect(t.reason).toMatch(reason);
    expect(t.reason.length).toBeLessThanOrEqual(256);
  });

  it('rejects a payload that cannot fit one ingest request, and accepts one that just fits', () => {
    const base = ec2Event({ detail: { blob: '' } });
    const overhead = Buffer.byteLength(JSON.stringify(base));
    const fits = sqsRecord(ec2Event({ id: base.id, detail: { blob: 'x'.repeat(MAX_ITEM_BYTES - overhead) } }));
    const tooBig = sqsRecord(ec2Event({ id: base.id, detail: { blob: 'x'.repeat(MAX_ITEM_BYTES - overhead + 1) } }));
    expect(triage(fits)).toMatchObject({ kind: 'event', bytes: MAX_ITEM_BYTES });
    expect(triage(tooBig)).toMatchObject({ kind: 'reject', errorClass: 'PayloadTooLarge', source: 'aws.ec2' });
  });

  it('names the source of a rejected entity by its blueprint', () => {
    expect(triage(sqsRecord(entity({ identifier: 42 })))).toMatchObject({ kind: 'reject', source: 'awsEc2Instance' });
  });
});
