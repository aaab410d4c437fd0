'use strict';
/**
 * The one CloudWatch dashboard (`${file(resources/dashboard.js):body}`): the figures behind every
 * alarm in resources/alarms.yml, on one page. The body is JSON inside Fn::Sub, so names resolve
 * at deploy time (`${PortForwarderLambdaFunction}`, `${EventsQueue.QueueName}`, …).
 */
const NS = 'HaloJiraPort';
const forwarder = (name) => [NS, name, 'service', 'portForwarder'];
const jiraSync = (name) => [NS, name, 'service', 'jiraSync'];
const lambda = (name, fn) => ['AWS/Lambda', name, 'FunctionName', `\${${fn}}`];
const queue = (name, id) => ['AWS/SQS', name, 'QueueName', `\${${id}.QueueName}`];

const widget = (title, metrics, { stat = 'Sum' } = {}) => ({ title, metrics, stat });

/** Three 8×6 graphs per row. */
const place = (w, i) => ({
  type: 'metric',
  x: (i % 3) * 8,
  y: Math.floor(i / 3) * 6,
  width: 8,
  height: 6,
  properties: { ...w, period: 300, view: 'timeSeries', region: '${AWS::Region}' },
});

function dashboardBody() {
  const graphs = [
    widget('Dead-letter queue: messages', [queue('ApproximateNumberOfMessagesVisible', 'DeadLetterQueue')], { stat: 'Maximum' }),
    widget('Events queue: age of oldest message (s)', [queue('ApproximateAgeOfOldestMessage', 'EventsQueue')], { stat: 'Maximum' }),
    widget('Events queue: messages', [queue('ApproximateNumberOfMessagesVisible', 'EventsQueue'), queue('ApproximateNumberOfMessagesNotVisible', 'EventsQueue')], { stat: 'Maximum' }),
    widget('portForwarder: records', [forwarder('forwarded'), forwarder('failed'), forwarder('redelivered'), forwarder('deadLettered')]),
    widget('portForwarder: Port refused our credentials (401/403)', [forwarder('portAuthRejected')]),
    widget('portForwarder: errors, throttles, concurrency', [
      lambda('Errors', 'PortForwarderLambdaFunction'),
      lambda('Throttles', 'PortForwarderLambdaFunction'),
      [...lambda('ConcurrentExecutions', 'PortForwarderLambdaFunction'), { stat: 'Maximum' }],
    ]),
    widget('jiraSync: successful runs (heartbeat)', [jiraSync('jiraSync.heartbeat')]),
    widget('jiraSync: refused items and failures', [jiraSync('jiraSync.refused'), jiraSync('jiraSync.failures')]),
    widget('jiraSync: errors and duration (ms)', [lambda('Errors', 'JiraSyncLambdaFunction'), [...lambda('Duration', 'JiraSyncLambdaFunction'), { stat: 'Maximum', yAxis: 'right' }]]),
    widget('EventBridge rule: invocations', [
      ['AWS/Events', 'Invocations', 'RuleName', '${EventsRule}'],
      ['AWS/Events', 'FailedInvocations', 'RuleName', '${EventsRule}'],
    ]),
  ];
  return { 'Fn::Sub': JSON.stringify({ widgets: graphs.map(place) }) };
}

module.exports = { body: () => dashboardBody(), dashboardBody };
