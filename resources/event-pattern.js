'use strict';
/**
 * EventBridge rule pattern generated from the `eventSources` stage param and port/sources.json
 * (the single source of truth per AWS source). Used from serverless.yml as
 * `${file(resources/event-pattern.js):pattern}`; an unknown source fails the deploy.
 */
const fs = require('node:fs');
const path = require('node:path');

const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
const SOURCES_FILE = path.join(__dirname, '..', 'port', 'sources.json');

function loadDefinitions(file = SOURCES_FILE) {
  const all = JSON.parse(fs.readFileSync(file, 'utf8'));
  delete all.$comment;
  return all;
}

/** One `$or` alternative per native detail-type set and per CloudTrail API-call set. */
function buildEventPattern(sourceList, definitions) {
  const names = String(sourceList)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new Error('eventSources is empty: list at least one AWS event source, e.g. "aws.ec2,aws.s3"');
  const unknown = names.filter((n) => !Object.hasOwn(definitions, n));
  if (unknown.length > 0) {
    throw new Error(
      `eventSources names unknown source(s) ${unknown.map((u) => `"${u}"`).join(', ')}; ` +
        `known in port/sources.json: ${Object.keys(definitions).join(', ')}`,
    );
  }
  const alternatives = [];
  for (const source of [...new Set(names)]) {
    const def = definitions[source];
    if (def.detailTypes && def.detailTypes.length > 0) {
      alternatives.push({ source: [source], 'detail-type': [...def.detailTypes] });
    }
    if (def.cloudTrail) {
      alternatives.push({
        source: [source],
        'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
        detail: {
          eventSource: [def.cloudTrail.eventSource],
          eventName: def.cloudTrail.eventNames.map((n) => (typeof n === 'string' ? n : { prefix: n.prefix })),
          // Failed API calls (AccessDenied, validation errors) changed nothing: skip them.
          errorCode: [{ exists: false }],
        },
      });
    }
    if (!def.detailTypes && !def.cloudTrail) throw new Error(`port/sources.json: "${source}" has neither detailTypes nor cloudTrail`);
  }
  return alternatives.length === 1 ? alternatives[0] : { $or: alternatives };
}

module.exports = {
  buildEventPattern,
  loadDefinitions,
  pattern: async ({ resolveVariable }) => buildEventPattern(await resolveVariable('param:eventSources'), loadDefinitions()),
};
