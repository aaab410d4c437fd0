/**
 * Atlassian Document Format checks, as REST v3 applies them to `description`, `environment`,
 * textarea custom fields and comment bodies. Pure functions, no I/O.
 */

/** Jira's limit on a rich-text value; for ADF it is measured on the JSON document. */
const TEXT_LIMIT = 32_767;

const NOT_A_DOCUMENT = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
const CONTENT_LIMIT_EXCEEDED = 'CONTENT_LIMIT_EXCEEDED';

const BLOCK_NODES = new Set([
  'paragraph', 'heading', 'bulletList', 'orderedList', 'listItem', 'codeBlock', 'blockquote', 'rule',
  'panel', 'table', 'tableRow', 'tableHeader', 'tableCell', 'mediaSingle', 'mediaGroup', 'media',
  'expand', 'nestedExpand', 'taskList', 'taskItem', 'decisionList', 'decisionItem', 'multiBodiedExtension',
]);
const INLINE_NODES = new Set(['text', 'hardBreak', 'mention', 'emoji', 'inlineCard', 'date', 'status', 'mediaInline']);
const MARKS = new Set(['strong', 'em', 'code', 'link', 'strike', 'underline', 'subsup', 'textColor', 'backgroundColor']);

export type AdfCheck = { ok: true } | { ok: false; message: string; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkNode(node: unknown, path: string): string | undefined {
  if (!isObject(node) || typeof node.type !== 'string') return `${path}: a node must be an object with a string "type"`;
  const { type } = node;
  if (!BLOCK_NODES.has(type) && !INLINE_NODES.has(type)) return `${path}: unknown node type "${type}"`;
  if (type === 'text') {
    if (typeof node.text !== 'string' || node.text === '') return `${path}: a text node needs a non-empty "text"`;
    if (node.marks !== undefined) {
      if (!Array.isArray(node.marks)) return `${path}: "marks" must be an array`;
      for (const m of node.marks) {
        if (!isObject(m) || typeof m.type !== 'string' || !MARKS.has(m.type)) return `${path}: unknown mark ${JSON.stringify(m)}`;
      }
    }
    return undefined;
  }
  if (type === 'heading') {
    const level = isObject(node.attrs) ? node.attrs.level : undefined;
    if (typeof level !== 'number' || level < 1 || level > 6) return `${path}: heading needs attrs.level 1..6`;
  }
  if (node.content !== undefined) {
    if (!Array.isArray(node.content)) return `${path}: "content" must be an array`;
    for (const [i, child] of node.content.entries()) {
      const problem = checkNode(child, `${path}.content[${i}]`);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** Validates a rich-text value the way REST v3 does (shape first, then size). */
export function checkAdf(value: unknown): AdfCheck {
  if (!isObject(value) || value.type !== 'doc') return { ok: false, message: NOT_A_DOCUMENT, reason: 'not an ADF document' };
  if (value.version !== 1) return { ok: false, message: 'INVALID_INPUT', reason: 'doc.version must be 1' };
  if (!Array.isArray(value.content)) return { ok: false, message: 'INVALID_INPUT', reason: 'doc.content must be an array' };
  for (const [i, child] of value.content.entries()) {
    const problem = checkNode(child, `content[${i}]`);
    if (problem) return { ok: false, message: 'INVALID_INPUT', reason: problem };
  }
  const size = JSON.stringify(value).length;
  if (size > TEXT_LIMIT) {
    return { ok: false, message: CONTENT_LIMIT_EXCEEDED, reason: `document is ${size} characters, limit ${TEXT_LIMIT}` };
  }
  return { ok: true };
}

/** Plain text of a document (text nodes joined by spaces) — what JQL text search indexes. */
export function adfText(value: unknown): string {
  const parts: string[] = [];
  const walk = (n: unknown): void => {
    if (!isObject(n)) return;
    if (n.type === 'text' && typeof n.text === 'string') parts.push(n.text);
    if (Array.isArray(n.content)) n.content.forEach(walk);
  };
  walk(value);
  return parts.join(' ');
}

/** A one-paragraph document, for tests and for `setStatus` notes. */
export function adfParagraph(text: string): Record<string, unknown> {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}
