import { EventBridgeClient, ListTargetsByRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import type { AwsTarget } from './target';

/**
 * moto 5.2 drops `account` from the event it delivers to a rule target: its default input
 * template (moto/events/utils.py DEFAULT_EVENT_INPUT_TEMPLATE) lists every envelope field but that
 * one. AWS always sends it, and the forwarder rightly rejects an envelope without it. This puts
 * the complete AWS envelope back by giving each deployed target an input transformer with the
 * full template. Only the local copy of the rule changes; the stack's template does not.
 */
const FULL_ENVELOPE_TEMPLATE =
  '{"version": "0", "id": "<id>", "detail-type": "<detail-type>", "source": "<source>", "account": "<account>", ' +
  '"time": <time>, "region": "<region>", "resources": <resources>, "detail": <detail>}';

const PATHS = {
  id: '$.id',
  'detail-type': '$.detail-type',
  source: '$.source',
  account: '$.account',
  time: '$.time',
  region: '$.region',
  resources: '$.resources',
  detail: '$.detail',
};

export async function restoreFullEnvelope(aws: AwsTarget, ruleNames: readonly string[], busName = 'default'): Promise<number> {
  const events = new EventBridgeClient(aws.client);
  let patched = 0;
  try {
    for (const rule of ruleNames) {
      const { Targets = [] } = await events.send(new ListTargetsByRuleCommand({ Rule: rule, EventBusName: busName }));
      const plain = Targets.filter((t) => !t.InputTransformer && !t.Input && !t.InputPath);
      if (plain.length === 0) continue;
      await events.send(
        new PutTargetsCommand({
          Rule: rule,
          EventBusName: busName,
          Targets: plain.map((t) => ({ ...t, InputTransformer: { InputPathsMap: PATHS, InputTemplate: FULL_ENVELOPE_TEMPLATE } })),
        }),
      );
      patched += plain.length;
    }
  } finally {
    events.destroy();
  }
  return patched;
}
