import fs from 'node:fs';
import type { Command } from 'commander';
import { createProgram, EXIT, main, onRun, parse, runProgram, UsageError, type Io } from '../shared/cli';
import { buildWebhookMappings, loadSources } from './mappings/build';
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

interface PreviewOptions {
  sources?: string[];
}

export function previewProgram(io: Io): Command {
  const program = createProgram({
    script: 'port:preview',
    description: 'Show the Port entities an event would become: a raw EventBridge event, a pre-formatted entity, an array of those, or a whole wire-format body',
    examples: [
      { command: 'npm run port:preview -- port/samples/aws.lambda/create-function.json', does: 'the entities of one sample event' },
      { command: 'npm run port:preview -- my-batch.json --sources aws.ec2,aws.s3', does: 'only the mappings of these sources' },
    ],
  }, io)
    .argument('<event.json>', 'file with the event, entity, array or wire-format body')
    .option('--sources <list>', 'only the mappings of these comma-separated sources (default: all in port/sources.json)', parse.list);
  return onRun<PreviewOptions>(program, async (opts, [file]) => {
    const known = Object.keys(loadSources());
    const unknown = (opts.sources ?? []).filter((s) => !known.includes(s));
    if (unknown.length) throw new UsageError(`--sources: unknown ${unknown.join(', ')}; known: ${known.join(', ')}`);
    const result = await preview(readJson(String(file)), opts.sources);
    io.out(describe(result));
    return result.failures.length > 0 ? EXIT.failure : EXIT.ok;
  });
}

export function runPreview(argv: readonly string[], io: Io): Promise<number> {
  return runProgram(previewProgram(io), argv, io);
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${file} is not JSON: ${(err as Error).message}`);
  }
}

if (require.main === module) main(runPreview);
