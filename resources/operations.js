'use strict';
/**
 * Settings for alarms, the dashboard and back-pressure (`${file(resources/operations.js):…}`), each
 * derived from stage params and failing the deploy with a message naming the param when unusable.
 */
const int = async (resolveVariable, name, min, max) => {
  const raw = await resolveVariable(`param:${name}`);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`param ${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
};

const UNIT_SECONDS = { minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86400, days: 86400 };

/** `rate(15 minutes)` → 900; undefined for cron() or anything else. */
function rateSeconds(schedule) {
  const m = /^rate\(\s*(\d+)\s+(minutes?|hours?|days?)\s*\)$/.exec(String(schedule).trim());
  return m ? Number(m[1]) * UNIT_SECONDS[m[2]] : undefined;
}

/**
 * "No successful jiraSync run in 3 schedule periods": one alarm period per schedule period (a
 * multiple of 60 s), 3 of 3 breaching, missing data = breaching. CloudWatch caps the evaluated
 * range at 1 day for periods under an hour and 7 days otherwise.
 */
function heartbeatWindow(periodSeconds) {
  const period = Math.max(60, Math.ceil(periodSeconds / 60) * 60);
  const limit = period < 3600 ? 86400 : 604800;
  if (period * 3 > limit) throw new Error(`the jiraSync heartbeat alarm needs 3 × ${period}s ≤ ${limit}s: choose a shorter JIRA_SYNC_SCHEDULE or set JIRA_SYNC_HEARTBEAT_SECONDS`);
  return { Period: period, EvaluationPeriods: 3, DatapointsToAlarm: 3 };
}

async function jiraSyncHeartbeat({ resolveVariable }) {
  const explicit = String((await resolveVariable('param:jiraSyncHeartbeatSeconds')) ?? '').trim();
  if (explicit) return heartbeatWindow(await int(resolveVariable, 'jiraSyncHeartbeatSeconds', 60, 201600));
  const schedule = await resolveVariable('param:jiraSyncSchedule');
  const seconds = rateSeconds(schedule);
  if (seconds === undefined) throw new Error(`param jiraSyncSchedule ${JSON.stringify(schedule)} is not rate(N minutes|hours|days): set JIRA_SYNC_HEARTBEAT_SECONDS to its period for the heartbeat alarm`);
  return heartbeatWindow(seconds);
}

/** Lambda's SQS event source: 2–1000 concurrent invocations (AWS limits). */
const forwarderMaxConcurrency = ({ resolveVariable }) => int(resolveVariable, 'forwarderMaxConcurrency', 2, 1000);

const oldestMessageAlarmSeconds = ({ resolveVariable }) => int(resolveVariable, 'oldestMessageAlarmSeconds', 60, 1209600);

module.exports = { rateSeconds, heartbeatWindow, jiraSyncHeartbeat, forwarderMaxConcurrency, oldestMessageAlarmSeconds };

/** An existing SNS topic for the alarms, or '' to let the stack create one. */
async function alarmTopicArn({ resolveVariable }) {
  const arn = String((await resolveVariable('param:alarmTopicArn')) ?? '').trim();
  if (arn && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+(\.fifo)?$/.test(arn)) {
    throw new Error(`param alarmTopicArn (ALARM_TOPIC_ARN) must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got ${JSON.stringify(arn)}`);
  }
  return arn;
}

/** Optional e-mail subscription of the topic the stack creates. */
async function alarmEmail({ resolveVariable }) {
  const email = String((await resolveVariable('param:alarmEmail')) ?? '').trim();
  if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new Error(`param alarmEmail (ALARM_EMAIL) must be an e-mail address, got ${JSON.stringify(email)}`);
  return email;
}

/**
 * The SNS topic every alarm notifies, decided at packaging time (no constant CloudFormation
 * Conditions): ALARM_TOPIC_ARN when given, else a topic this stack creates, with an e-mail
 * subscription when ALARM_EMAIL is set.
 */
async function alarmTopic(ctx) {
  const { resolveVariable } = ctx;
  const given = await alarmTopicArn(ctx);
  if (given) return { Resources: {}, Outputs: { AlarmTopicArn: { Value: given } } };
  const [service, stage, email] = [await resolveVariable('self:service'), await resolveVariable('sls:stage'), await alarmEmail(ctx)];
  const Resources = {
    AlarmTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: `${service}-${stage}-alarms`, DisplayName: `${service} ${stage} alarms` } },
  };
  if (email) Resources.AlarmEmailSubscription = { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: email } };
  return { Resources, Outputs: { AlarmTopicArn: { Value: { Ref: 'AlarmTopic' } } } };
}

/** AlarmActions / OKActions of every alarm. */
async function alarmActions(ctx) {
  const given = await alarmTopicArn(ctx);
  return [given || { Ref: 'AlarmTopic' }];
}

Object.assign(module.exports, { alarmTopicArn, alarmEmail, alarmTopic, alarmActions });
