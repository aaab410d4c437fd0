'use strict';
/**
 * Functions per stage: the `functions` stage param (FUNCTIONS=portForwarder,portResync) names the
 * functions this stage deploys. A hub that only forwards deploys no jiraSync: no function, no role,
 * no state table, no log group, no alarm of it.
 *
 * osls has no switch for "leave this function out", so a small local plugin (bottom of this file)
 * removes the unselected functions from the service before anything is packaged, together with the
 * resources they own (OWNED below) and every resource or output that refers to a removed one,
 * transitively. So an alarm or a dashboard that `!Ref`s `JiraSyncLambdaFunction` goes with it, with
 * no list to keep up to date; a resource that names a function only by a literal string does not.
 */

/** Resources of `resources/*.yml` that exist only for one function (the others are found by reference). */
const OWNED = {
  jiraSync: ['JiraSyncRole', 'SyncStateTable'],
  portForwarder: ['PortForwarderRole', 'EventsQueue', 'DeadLetterQueue'],
};

/**
 * `a, b` → ['a', 'b']; empty → every declared function; `-jiraSync` → every declared function but
 * jiraSync (what the Port installer sets when jiraSync is not configured). Refuses unknown names.
 */
function parseSelection(raw, declared) {
  const names = [...new Set(String(raw ?? '').split(',').map((s) => s.trim()).filter(Boolean))];
  if (names.length === 0) return [...declared];
  const excluded = names.filter((n) => n.startsWith('-')).map((n) => n.slice(1));
  const included = names.filter((n) => !n.startsWith('-'));
  const unknown = [...included, ...excluded].filter((n) => !declared.includes(n));
  if (unknown.length) throw new Error(`param functions names unknown function(s) ${unknown.join(', ')}; serverless.yml declares ${declared.join(', ')}`);
  const selected = (included.length ? included : declared).filter((n) => !excluded.includes(n));
  if (selected.length === 0) throw new Error(`param functions (${raw}) leaves no function to deploy; serverless.yml declares ${declared.join(', ')}`);
  return selected;
}

/** Logical ids referenced by Ref, Fn::GetAtt, ${Id} inside Fn::Sub, and DependsOn. */
function references(value, out = new Set()) {
  if (Array.isArray(value)) value.forEach((v) => { references(v, out); });
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') out.add(v);
      else if (k === 'Fn::GetAtt') out.add(Array.isArray(v) ? v[0] : String(v).split('.')[0]);
      else if (k === 'Fn::Sub') {
        const text = Array.isArray(v) ? v[0] : v;
        if (typeof text === 'string') for (const m of text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}/g)) out.add(m[1]);
        references(v, out);
      } else if (k === 'DependsOn') [].concat(v).forEach((id) => { out.add(id); });
      else references(v, out);
    }
  }
  return out;
}

/**
 * What to drop for the unselected functions. `compiledPrefix(fn)` is the prefix of the logical ids
 * osls compiles for a function (`JiraSync` → JiraSyncLambdaFunction, JiraSyncLogGroup, …).
 * Pure: the plugin applies the answer.
 */
function omissions({ declared, selected, resources = {}, outputs = {}, compiledPrefix }) {
  const dropped = declared.filter((fn) => !selected.includes(fn));
  const prefixes = dropped.map(compiledPrefix);
  const removed = new Set(dropped.flatMap((fn) => OWNED[fn] ?? []).filter((id) => id in resources));
  const gone = (id) => removed.has(id) || (!(id in resources) && prefixes.some((p) => id.startsWith(p)));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [id, resource] of Object.entries(resources)) {
      if (removed.has(id)) continue;
      if (prefixes.some((p) => id.startsWith(p)) || [...references(resource)].some(gone)) {
        removed.add(id);
        changed = true;
      }
    }
  }
  const removedOutputs = Object.entries(outputs).filter(([, o]) => [...references(o)].some(gone)).map(([id]) => id);
  return { functions: dropped, resources: [...removed].sort(), outputs: removedOutputs.sort() };
}

/** The osls plugin: `plugins: [./resources/functions.js]`; reads `custom.functions` (the stage param). */
class SelectFunctions {
  constructor(serverless, _options, { log } = {}) {
    this.hooks = {
      initialize: () => {
        const service = serverless.service;
        const declared = Object.keys(service.functions ?? {});
        const selected = parseSelection(service.custom?.functions, declared);
        const naming = serverless.getProvider('aws').naming;
        const template = service.resources ?? {};
        const plan = omissions({
          declared,
          selected,
          resources: template.Resources,
          outputs: template.Outputs,
          compiledPrefix: (fn) => naming.getNormalizedFunctionName(fn),
        });
        if (plan.functions.length === 0) return;
        for (const fn of plan.functions) delete service.functions[fn];
        for (const id of plan.resources) delete template.Resources[id];
        for (const id of plan.outputs) delete template.Outputs[id];
        log?.notice?.(`functions: deploying ${selected.join(', ')}; left out ${plan.functions.join(', ')} and ${plan.resources.length + plan.outputs.length} resource(s)/output(s) of theirs`);
      },
    };
  }
}

module.exports = SelectFunctions;
module.exports.parseSelection = parseSelection;
module.exports.omissions = omissions;
module.exports.OWNED = OWNED;
