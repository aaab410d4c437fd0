/**
 * Turns the service's `resources:` section (as `sls print` renders it) into a template that moto's
 * CloudFormation can deploy. Only queues, their policies and EventBridge rules/buses are kept:
 * a full template also creates the Lambda event source mapping, after which moto tries to run the
 * function in Docker on every SendMessage and fails (TOOLCHAIN §3).
 */
export type CfnTemplate = {
  AWSTemplateFormatVersion?: string;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Properties?: unknown; [k: string]: unknown }>;
  Outputs?: Record<string, { Value: unknown; [k: string]: unknown }>;
};

const DEPLOYABLE_TYPES: ReadonlySet<string> = new Set([
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
  'AWS::Events::Rule',
  'AWS::Events::EventBus',
]);

/** Just the queues (a queue policy names the rule, so it goes with it). */
export const QUEUE_TYPES: ReadonlySet<string> = new Set(['AWS::SQS::Queue']);

/** `resources:` may be one object or a list of fragments (`- ${file(...)}`); merge them like the framework does. */
function mergeResourceFragments(resources: unknown): CfnTemplate {
  const fragments = Array.isArray(resources) ? resources : [resources];
  const merged: CfnTemplate = { Resources: {}, Outputs: {}, Conditions: {} };
  for (const f of fragments) {
    if (!f || typeof f !== 'object') continue;
    const frag = f as Partial<CfnTemplate>;
    Object.assign(merged.Resources, frag.Resources ?? {});
    Object.assign(merged.Outputs!, frag.Outputs ?? {});
    Object.assign(merged.Conditions!, frag.Conditions ?? {});
  }
  return merged;
}

/** Logical ids referenced by Ref / Fn::GetAtt / ${Name} in Fn::Sub anywhere inside `value`. */
export function referencedIds(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencedIds(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') out.add(v);
      else if (k === 'Fn::GetAtt') {
        const target = Array.isArray(v) ? v[0] : typeof v === 'string' ? v.split('.')[0] : undefined;
        if (typeof target === 'string') out.add(target);
        referencedIds(v, out);
      } else if (k === 'Fn::Sub') {
        const text = Array.isArray(v) ? v[0] : v;
        if (typeof text === 'string') for (const m of text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}/g)) out.add(m[1]!);
        referencedIds(v, out);
      } else referencedIds(v, out);
    }
  }
  return out;
}

const PSEUDO = (id: string): boolean => id.startsWith('AWS::');

/**
 * Keeps deployable resources whose references all stay inside the kept set (repeated until
 * stable), and the outputs that only reference kept resources.
 */
export function resourcesOnlyTemplate(
  resources: unknown,
  opts: { types?: ReadonlySet<string> } = {},
): { template: CfnTemplate; dropped: string[] } {
  const types = opts.types ?? DEPLOYABLE_TYPES;
  const all = mergeResourceFragments(resources);
  const conditions = new Set(Object.keys(all.Conditions ?? {}));
  let kept = new Set(Object.entries(all.Resources).filter(([, r]) => types.has(r.Type)).map(([id]) => id));
  for (;;) {
    const next = new Set(
      [...kept].filter((id) => [...referencedIds(all.Resources[id])].every((ref) => kept.has(ref) || PSEUDO(ref) || conditions.has(ref))),
    );
    if (next.size === kept.size) break;
    kept = next;
  }
  const template: CfnTemplate = {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: Object.fromEntries([...kept].map((id) => [id, all.Resources[id]!])),
  };
  if (conditions.size > 0) template.Conditions = all.Conditions;
  const outputs = Object.entries(all.Outputs ?? {}).filter(([, o]) =>
    [...referencedIds(o)].every((ref) => kept.has(ref) || PSEUDO(ref)),
  );
  if (outputs.length > 0) template.Outputs = Object.fromEntries(outputs);
  const dropped = Object.keys(all.Resources).filter((id) => !kept.has(id));
  return { template, dropped };
}
