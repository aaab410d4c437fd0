/**
 * The AWS partition of a region (aws, aws-cn, aws-us-gov, ...): one table for the resync (TS) and
 * the webhook mappings (jq), so ARNs built on either side agree. Never hard-code `arn:aws:`.
 */
const PREFIXES: ReadonlyArray<[prefix: string, partition: string]> = [
  ['cn-', 'aws-cn'],
  ['us-gov-', 'aws-us-gov'],
  ['us-isob-', 'aws-iso-b'],
  ['us-iso-', 'aws-iso'],
  ['eu-isoe-', 'aws-iso-e'],
  ['us-isof-', 'aws-iso-f'],
];

export function partitionOf(region: string): string {
  return PREFIXES.find(([p]) => region.startsWith(p))?.[1] ?? 'aws';
}

/** The partition of an ARN (`arn:<partition>:...`), when it is one. */
export function partitionOfArn(arn: string | undefined): string | undefined {
  const parts = arn?.split(':');
  return parts && parts.length > 5 && parts[0] === 'arn' ? parts[1] : undefined;
}

/**
 * jq for `$partition` over a forwarded event (`.item`): from the event's first resource ARN, else
 * from its region (CloudTrail events often list no resources).
 */
const REGION_TO_PARTITION_JQ = `${PREFIXES.map(([p, part], i) => `${i === 0 ? 'if' : 'elif'} ($r | startswith(${JSON.stringify(p)})) then ${JSON.stringify(part)}`).join(' ')} else "aws" end`;

export const PARTITION_JQ = `(((.item.resources // [])[0] // "" | split(":") | if length > 5 and .[0] == "arn" then .[1] else null end) // ((.item.region // .item.detail.awsRegion // "") as $r | ${REGION_TO_PARTITION_JQ}))`;
