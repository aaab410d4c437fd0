import fs from 'node:fs';
import { buildWebhookMappings } from './mappings/build';
import { evaluateWebhook, type Evaluation } from './mappings/evaluate';

/**
 * `npm run port:preview -- <file.json> [--sources aws.ec2,aws.s3]`: what Port would do with an
 * event — a raw EventBridge event, a pre-formatted entity, an array of those, or a whole
 * wire-format body — using the same mappings and jq evaluator as the installer and the stand-in.
 */
export function asWireBody(input: unknown): { id: string; source: string; items: unknown[] } {
  if (input && typeof input === 'object' && !Array.isArray(input) && Array.isArray((input as { items?: unknown }).items)) {
    return input as { id: string; source: string; items: unknown[] };
  }
  return { id: 'preview', source: 'halo-jira-port/portForwarder', items: Array.isArray(input) ? input : [input] };
}

export async function preview(input: unknown, sources?: string[]): Promise<Evaluation> {
  return evaluateWebhook(buildWebhookMappings(sources), { body: asWireBody(input) });
}

export function describe(result: Evaluation): string {
  const lines: string[] = [];
  for (const c of result.changes) {
    const where = `item ${c.item ?? '-'}`;
    if (c.operation === 'delete') lines.push(`${where}: DELETE ${c.blueprint} ${c.entity.identifier}`);
    else lines.push(`${where}: UPSERT ${c.blueprint} ${c.entity.identifier}\n${JSON.stringify(c.entity, null, 2).replace(/^/gm, '    ')}`);
  }
  for (const f of result.failures) lines.push(`item ${f.item ?? '-'}: mapping #${f.mapping} FAILED: ${f.error}`);
  if (lines.length === 0) lines.push('no entity: no mapping matches (unknown source or event, or a failed API call carrying errorCode)');
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const file = argv.find((a) => !a.startsWith('--'));
  const at = argv.indexOf('--sources');
  const sources = at >= 0 ? argv[at + 1]?.split(',').map((s) => s.trim()) : undefined;
  if (!file) {
    process.stderr.write('usage: npm run port:preview -- <event.json> [--sources aws.ec2,aws.s3]\n');
    return 2;
  }
  const input = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  const result = await preview(input, sources);
  process.stdout.write(`${describe(result)}\n`);
  return result.failures.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`preview failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    },
  );
}
