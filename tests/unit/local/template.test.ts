import { QUEUE_TYPES, referencedIds, resourcesOnlyTemplate } from '../../../local/aws/template';

const queue = (name: string, extra: Record<string, unknown> = {}) => ({ Type: 'AWS::SQS::Queue', Properties: { QueueName: name, ...extra } });

describe('resourcesOnlyTemplate', () => {
  it('keeps queues, queue policies and rules; drops everything else', () => {
    const { template, dropped } = resourcesOnlyTemplate({
      Resources: {
        Dlq: queue('dlq'),
        Events: queue('events', { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } }),
        Rule: { Type: 'AWS::Events::Rule', Properties: { Targets: [{ Id: 't', Arn: { 'Fn::GetAtt': ['Events', 'Arn'] } }] } },
        Policy: { Type: 'AWS::SQS::QueuePolicy', Properties: { Queues: [{ Ref: 'Events' }], Condition: { 'Fn::GetAtt': 'Rule.Arn' } } },
        Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
      },
    });
    expect(Object.keys(template.Resources).sort()).toEqual(['Dlq', 'Events', 'Policy', 'Rule']);
    expect(dropped).toEqual(['Alarm']);
  });

  it('drops a kept-type resource that references a dropped one, transitively', () => {
    const { template, dropped } = resourcesOnlyTemplate({
      Resources: {
        Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
        Rule: { Type: 'AWS::Events::Rule', Properties: { Targets: [{ Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] } }] } },
        Policy: { Type: 'AWS::SQS::QueuePolicy', Properties: { Resource: { 'Fn::Sub': '${Rule.Arn}' } } },
        Q: queue('q'),
      },
    });
    expect(Object.keys(template.Resources)).toEqual(['Q']);
    expect(dropped.sort()).toEqual(['Fn', 'Policy', 'Rule']);
  });

  it('keeps only the queues (and their redrive link) when asked for queues', () => {
    const { template, dropped } = resourcesOnlyTemplate(
      {
        Resources: {
          Dlq: queue('dlq'),
          Events: queue('events', { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } }),
          Rule: { Type: 'AWS::Events::Rule', Properties: { Targets: [{ Id: 't', Arn: { 'Fn::GetAtt': ['Events', 'Arn'] } }] } },
          Policy: { Type: 'AWS::SQS::QueuePolicy', Properties: { Queues: [{ Ref: 'Events' }] } },
        },
        Outputs: { EventsQueueUrl: { Value: { Ref: 'Events' } }, RuleArn: { Value: { 'Fn::GetAtt': ['Rule', 'Arn'] } } },
      },
      { types: QUEUE_TYPES },
    );
    expect(Object.keys(template.Resources).sort()).toEqual(['Dlq', 'Events']);
    expect(dropped.sort()).toEqual(['Policy', 'Rule']);
    expect(Object.keys(template.Outputs ?? {})).toEqual(['EventsQueueUrl']);
  });

  it('merges resource fragments and keeps only outputs that reference kept resources', () => {
    const { template } = resourcesOnlyTemplate([
      { Resources: { Q: queue('q') }, Outputs: { QueueUrl: { Value: { Ref: 'Q' } } } },
      { Resources: { Fn: { Type: 'AWS::Lambda::Function' } }, Outputs: { FnName: { Value: { Ref: 'Fn' } }, Region: { Value: { Ref: 'AWS::Region' } } } },
    ]);
    expect(Object.keys(template.Outputs ?? {}).sort()).toEqual(['QueueUrl', 'Region']);
  });

  it('finds Ref, GetAtt (list and dotted) and Fn::Sub references', () => {
    const ids = referencedIds({ a: { Ref: 'A' }, b: { 'Fn::GetAtt': ['B', 'Arn'] }, c: { 'Fn::GetAtt': 'C.Arn' }, d: { 'Fn::Sub': ['x-${D}-${E.Arn}', {}] } });
    expect([...ids].sort()).toEqual(['A', 'B', 'C', 'D', 'E']);
  });
});
