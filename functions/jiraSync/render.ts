import type { HaloIssue } from './model';

/**
 * Ticket text in Atlassian Document Format (REST v3): the summary line, a description with the
 * issue, its asset and its latest finding as JSON code blocks, and the "seen again" comment.
 * Jira rejects texts over 32,767 characters, so the largest blocks are cut and a note says so.
 */
export type AdfNode = { type: string; attrs?: Record<string, unknown>; content?: AdfNode[]; text?: string; marks?: Array<{ type: string }> };
export interface AdfDoc { version: 1; type: 'doc'; content: AdfNode[] }

export const JIRA_TEXT_LIMIT = 32_767;
const SUMMARY_LIMIT = 255;

export interface Enrichment {
  /** The asset (server, container image, cloud resource); undefined when Halo had none or 404. */
  asset?: unknown;
  assetType?: string;
  /** The latest finding or event; undefined when Halo had none or 404. */
  finding?: unknown;
  /** What could not be fetched, said in the ticket rather than failing the run. */
  missing?: string[];
}

export function renderSummary(issue: HaloIssue): string {
  const tags = [issue.source, issue.type, issue.critical ? 'critical' : 'non-critical'].filter(Boolean).join(' / ');
  const text = `${issue.name ?? issue.id} [Halo ${tags}]`.replace(/[\r\n]+/g, ' ');
  return text.length > SUMMARY_LIMIT ? `${text.slice(0, SUMMARY_LIMIT - 1)}…` : text;
}

const heading = (text: string): AdfNode => ({ type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text }] });
const paragraph = (text: string, strong = false): AdfNode => ({
  type: 'paragraph',
  content: [{ type: 'text', text, ...(strong ? { marks: [{ type: 'strong' }] } : {}) }],
});
const codeBlock = (value: unknown): AdfNode => ({
  type: 'codeBlock',
  attrs: { language: 'json' },
  content: [{ type: 'text', text: JSON.stringify(value, null, 2) ?? 'null' }],
});

function sections(issue: HaloIssue, more: Enrichment): AdfNode[] {
  const out: AdfNode[] = [heading('Halo issue'), codeBlock(issue)];
  if (more.asset !== undefined) out.push(heading(`Asset (${more.assetType ?? issue.asset_type ?? 'asset'})`), codeBlock(more.asset));
  if (more.finding !== undefined) out.push(heading('Latest finding'), codeBlock(more.finding));
  if (more.missing?.length) out.push(paragraph(`Not available from Halo: ${more.missing.join(', ')}.`));
  return out;
}

export function renderDescription(issue: HaloIssue, more: Enrichment): AdfDoc {
  return fitToLimit({ version: 1, type: 'doc', content: [...sections(issue, more), paragraph(changeMarker(issue))] });
}

/** Marker of one Halo change; a comment carrying it is never added twice to a ticket. */
export const changeMarker = (issue: HaloIssue): string => `halo-change:${issue.id}@${issue.last_seen_at ?? issue.updated_at ?? 'unknown'}`;

export function renderComment(issue: HaloIssue, more: Enrichment): AdfDoc {
  const seen = issue.last_seen_at ? ` at ${issue.last_seen_at}` : '';
  const content: AdfNode[] = [paragraph(`Halo still reports this issue as active (seen${seen}).`)];
  if (more.finding !== undefined) content.push(heading('Latest finding'), codeBlock(more.finding));
  if (more.missing?.length) content.push(paragraph(`Not available from Halo: ${more.missing.join(', ')}.`));
  content.push(paragraph(changeMarker(issue)));
  return fitToLimit({ version: 1, type: 'doc', content });
}

/** True when an ADF comment body (or plain text) carries `marker`. */
export function hasMarker(body: unknown, marker: string): boolean {
  return (typeof body === 'string' ? body : JSON.stringify(body ?? '')).includes(marker);
}

/**
 * Cuts the longest code blocks until the serialized document fits under the limit, then adds a
 * note naming how much was cut. Serialized length counts escapes, hence the loop.
 */
export function fitToLimit(doc: AdfDoc, limit = JIRA_TEXT_LIMIT): AdfDoc {
  const size = (d: AdfDoc): number => JSON.stringify(d).length;
  if (size(doc) <= limit) return doc;
  const out: AdfDoc = JSON.parse(JSON.stringify(doc));
  const note = paragraph('', true);
  out.content.push(note);
  const [noteText] = note.content ?? [];
  const blocks = out.content.filter((n) => n.type === 'codeBlock').flatMap((n) => n.content?.[0] ?? []);
  let cut = 0;
  for (let guard = 0; guard < 50 && size(out) > limit; guard++) {
    const longest = blocks.reduce<AdfNode | undefined>((a, b) => ((b.text?.length ?? 0) > (a?.text?.length ?? 0) ? b : a), undefined);
    if (!longest?.text) break;
    const excess = size(out) - limit;
    const keep = Math.max(0, longest.text.length - Math.ceil(excess * 1.05) - 16);
    cut += longest.text.length - keep;
    longest.text = `${longest.text.slice(0, keep)}\n…`;
    if (noteText) noteText.text = `Truncated: ${cut} characters of Halo data were cut to fit Jira's ${limit}-character limit; see Halo for the full record.`;
  }
  for (const b of blocks) if (b.text === '') b.text = '…';
  return out;
}
